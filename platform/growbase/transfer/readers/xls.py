"""Excel 97-2003 (.xls): the cells with a formula's error and the merged ranges, through
xlrd (calamine gives the errors as empty cells, and the file has no XML to look in)."""

from .cells import formula_error


def scan(path, sheet):
    """({(row, column): why it has no value}, merged ranges) of one sheet."""
    import xlrd
    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
        cells = book.sheet_by_name(sheet)
    except Exception:  # calamine read it: what xlrd cannot is left unscanned
        return {}, []
    try:
        unread = {(row, column): formula_error(xlrd.error_text_from_code.get(
                  cells.cell_value(row, column), "#ERROR"))
                  for row in range(cells.nrows) for column in range(cells.ncols)
                  if cells.cell_type(row, column) == xlrd.XL_CELL_ERROR}
        merged = [((top, left), (bottom - 1, right - 1))
                  for top, bottom, left, right in cells.merged_cells]
    finally:
        book.release_resources()
    return unread, merged
