"""dondoc: shared vocabulary of the pipeline (models, errors, settings, language data).

The stage packages (`readers`, `normalizers`, `extractors`, `store`) and the
`flows` on top all speak in the types defined here.
"""
__version__ = "0.1.0"
