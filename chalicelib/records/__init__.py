"""Domain records: what the data layer hands the domain and takes back, as plain dataclasses.

A leaf package: it imports nothing from `chalicelib`, so the domain can read records without the
data layer's models, and the data layer can build them without the domain's rules.
"""
