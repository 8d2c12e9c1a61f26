"""A refused definition carries every problem at once, each with its JSON path."""

from ..errors import GrowbaseError

class DefinitionError(GrowbaseError, ValueError):
    def __init__(self, problems):
        self.problems = problems  # [(json path, sentence an owner can act on)]
        super().__init__("; ".join(f"{path}: {text}" for path, text in problems))

    def report(self):
        return "\n".join(f"  {path}: {text}" for path, text in self.problems)
