"""Domain records: the plain data the domain works with and the data layer stores and hands back.

A leaf package: it imports nothing from `dal` or `domain`, so the data layer can take and return
records without an import cycle, and a domain rule can be run on them without a database.
"""
