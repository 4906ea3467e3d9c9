"""Maintainer scripts: regenerating shipped tables, checking a release."""
