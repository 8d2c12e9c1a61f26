"""What every command of `python run.py` shares: printing."""


def out(text=""):
    print(text, flush=True)
