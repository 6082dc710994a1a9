"""The administrator's tools: staff accounts, the access trail, imports, the outbox, health.

Plain Flask pages with CSRF-protected forms (routes.py), over service functions that hold the
rules (staff.py, trail.py, imports.py, system.py). Each tool is declared once in the page
registry for Role.ADMIN (pages.py gives the registry its entries).
"""
