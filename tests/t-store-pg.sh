#!/bin/sh
# The store's rules (tests/test_store.c) on PostgreSQL: the same cases as
# on SQLite, on a private cluster started and stopped by pg-cluster.sh.
exec "${top_srcdir:-.}/tests/pg-cluster.sh" "${top_builddir:-.}/tests/test_store"
