"""Records the data layer hands to the domain and takes back: plain dataclasses, no storage types.

They sit below both layers (they import nothing of the service), so `dal/` can build them and the
domain can read them without either importing the other's internals.
"""
