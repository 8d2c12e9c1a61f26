"""OpenDocument (.ods, LibreOffice's own format): the cells with a formula's error and the
merged ranges, counted along the rows of content.xml (cells have no addresses there)."""

import zipfile
from xml.etree import ElementTree

from .cells import formula_error
from .extent import TABLE

CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def scan(path, sheet):
    """({(row, column): why it has no value}, merged ranges) of one sheet, repeats counted."""
    def count(element, name):
        return int(element.get(TABLE + name, 1))
    unread, merged, row, column, inside, open_ = {}, [], 0, 0, False, []
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as xml:
        for event, element in ElementTree.iterparse(xml, ("start", "end")):
            tag = element.tag
            if event == "start":
                open_.append(element)
                if tag == TABLE + "table":
                    inside = element.get(TABLE + "name") == sheet
                elif tag == TABLE + "table-row":
                    column = 0
                continue
            open_.pop()
            if tag == TABLE + "table-row":
                row += count(element, "number-rows-repeated") if inside else 0
                open_[-1].remove(element)  # read: out of memory
            elif inside and tag in (TABLE + "table-cell", TABLE + "covered-table-cell"):
                if element.get(CALCEXT + "value-type") == "error":
                    unread[row, column] = formula_error("".join(element.itertext()).strip())
                across = count(element, "number-columns-spanned")
                down = count(element, "number-rows-spanned")
                if across > 1 or down > 1:
                    merged.append(((row, column), (row + down - 1, column + across - 1)))
                column += count(element, "number-columns-repeated")
    return unread, merged
