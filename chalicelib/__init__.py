"""Электронный дневник: the school e-diary backend (domain code for the Chalice app)."""
