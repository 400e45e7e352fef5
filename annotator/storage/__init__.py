"""The only package that speaks SQL: the schema, its migrations and the Project facade."""

from annotator.storage.project import Project

__all__ = ["Project"]
