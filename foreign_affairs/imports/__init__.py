"""Excel import of a model's records: upload, a preview of every row's errors, all or nothing.

Each app declares a resource (django-import-export) on `ImportResource` and a 3-line view on
`ObjectImportView`. The workbook's row 1 holds the column headers (the fields' verbose names,
Chinese or English, or the field names); every further row is one record, validated with the
model's `full_clean()`. One bad row and nothing is written; errors name the row as Excel
numbers it and the column by its header.

`widgets` read cells as office users write them, `resources` map a model's columns,
`workbook` reads and checks the upload, `preview` runs the import and reports every row,
`views` holds the upload/preview/confirm page.
"""

from foreign_affairs.imports.resources import ImportResource
from foreign_affairs.imports.views import MAX_UPLOAD_BYTES, ObjectImportView
from foreign_affairs.imports.widgets import NamedForeignKeyWidget
from foreign_affairs.imports.workbook import XLSX_MIME

__all__ = [
    "MAX_UPLOAD_BYTES",
    "XLSX_MIME",
    "ImportResource",
    "NamedForeignKeyWidget",
    "ObjectImportView",
]
