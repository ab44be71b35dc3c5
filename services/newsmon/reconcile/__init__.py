"""Reconcile: indicator mentions from many articles become one sourced observation per fact."""
