"""The formula language's syntax, Excel-like, parsed by lark (never eval):

    {quantity} * {unit_price}        fields by name in braces, links followed with dots
    IF({status} = "new", "open", "done") & "!"
    ROUND({amount} / 3, 2) >= 10.5   functions by name, any case; TRUE, FALSE

A syntax error says the column where the formula stops making sense."""

from lark import Lark, Token, Transformer, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput

from ..errors import GrowbaseError
from ..i18n import gettext as _

GRAMMAR = r"""
?start: comparison
?comparison: concat (COMPARE concat)?
?concat: sum ("&" sum)*            -> join
?sum: product (ADD product)*       -> arithmetic
?product: unary (MUL unary)*       -> arithmetic
?unary: "-" unary                  -> negative
      | "+" unary
      | atom
?atom: NUMBER                      -> number
     | STRING                      -> string
     | FIELD                       -> field
     | NAME "(" [comparison ("," comparison)*] ")" -> call
     | NAME                        -> constant
     | "(" comparison ")"

COMPARE: "<=" | ">=" | "<>" | "=" | "<" | ">"
ADD: "+" | "-"
MUL: "*" | "/"
NUMBER: /\d+(\.\d+)?/
STRING: /"([^"]|"")*"/
FIELD: /\{\s*[^\W\d]\w*(\s*\.\s*[^\W\d]\w*)*\s*\}/
NAME: /[A-Za-z_]\w*/
%ignore /\s+/
"""


class FormulaError(GrowbaseError, ValueError):
    """A formula that cannot be used as written: the message says where and how to fix it."""


class Syntax(Transformer):
    """The parse tree as plain tuples: (kind, ...), read by tree.build."""

    def number(self, items):
        return ("number", str(items[0]))

    def string(self, items):
        return ("string", items[0][1:-1].replace('""', '"'))

    def field(self, items):
        return ("field", tuple(part.strip() for part in items[0][1:-1].split(".")))

    def constant(self, items):
        return ("call", str(items[0]).upper(), (), items[0].column)

    def call(self, items):
        name, *args = items
        return ("call", str(name).upper(), tuple(a for a in args if a is not None), name.column)

    def negative(self, items):
        return ("negative", items[0])

    def arithmetic(self, items):
        out = items[0]
        for op, right in zip(items[1::2], items[2::2]):
            out = ("op", str(op), out, right)
        return out

    def join(self, items):
        out = items[0]
        for right in items[1:]:
            out = ("op", "&", out, right)
        return out

    def comparison(self, items):
        left, op, right = items
        return ("compare", str(op), left, right)


_parser = Lark(GRAMMAR, parser="lalr", propagate_positions=False, maybe_placeholders=True)


def parse(text):
    """The formula's syntax tree, or FormulaError naming the column where it stops."""
    if not isinstance(text, str) or not text.strip():
        raise FormulaError(_("Write a formula, like {quantity} * {unit_price}."))
    try:
        return Syntax().transform(_parser.parse(text))
    except UnexpectedEOF:
        raise FormulaError(_("The formula ends too soon: something is missing at the end "
                             "(a closing bracket, a value after an operator).")) from None
    except UnexpectedCharacters as exc:
        raise FormulaError(_("Column %(column)s: \"%(char)s\" is not expected here.",
                             column=exc.column, char=text[exc.pos_in_stream])) from None
    except UnexpectedInput as exc:
        token = getattr(exc, "token", None)
        if isinstance(token, Token) and token.type == "$END":
            raise FormulaError(_("The formula ends too soon: something is missing at the end "
                                 "(a closing bracket, a value after an operator).")) from None
        raise FormulaError(_("Column %(column)s: \"%(token)s\" is not expected here.",
                             column=exc.column, token=token)) from None


def reads(syntax):
    """The first names of the {fields} a syntax tree reads (a link for what it reads
    through it): enough to order formulas and find circles before any type is known."""
    return {names[0] for names in refs(syntax)}


def refs(syntax):
    """Every {a.b.c} a syntax tree reads, as name tuples."""
    if syntax[0] == "field":
        return [syntax[1]]
    parts = syntax[2] if syntax[0] == "call" else syntax[1:]
    return [found for part in parts if isinstance(part, tuple) for found in refs(part)]
