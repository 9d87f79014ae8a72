"""Pooling geometry analyses: favored/limited profiles and tailoring a geometry to a task."""
