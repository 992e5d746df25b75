"""Repositories: every SQL statement of the application, one module per aggregate.

A repository works inside the session of the unit of work that made it and never commits;
what it returns to services is plain data (frozen dataclasses, tuples, numbers), never ORM rows.
"""
