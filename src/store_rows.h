/*
 * store_rows.h: a whole store as rows, for copying one database into
 * another (store_copy.c).  The copier knows the tables and their columns
 * (one fixed list, store_copy.c's); a backend (store_sqlite_rows.c,
 * store_pg_rows.c) only reads and writes rows of the tables it is given,
 * with typed values, so that bytes come out as they went in.  Private to
 * those files.
 */
#ifndef FEEDMUX_STORE_ROWS_H
#define FEEDMUX_STORE_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "store_int.h"

/*
 * What a column holds.  COL_OCTETS are opaque bytes that SQLite keeps as
 * text (HTTP validators), COL_BLOB bytes it keeps as a blob; both are
 * bytea in PostgreSQL.
 */
enum col_type { COL_INT, COL_TEXT, COL_OCTETS, COL_BLOB };

struct store_col {
	const char	*name;
	enum col_type	 type;
};

struct store_table {
	const char	*name;
	const char	*one;		/* what a row is, for messages */
	const struct store_col *cols;
	size_t		 ncols;
	const char	*order;		/* ORDER BY of a read: its key */
	const char	*check;		/* its max() is compared; NULL: none */
	const char	*serial;	/* a column the database numbers */
	int		 single;	/* one row, made by the schema: update it */
};

/* One value of a row: NULL, an integer, or bytes (text or not). */
struct store_value {
	int		 null;
	int64_t		 i;
	const char	*p;
	size_t		 len;
};

/* A table's size: rows, and the largest value of its check column. */
struct store_tally {
	int64_t		 rows;
	int64_t		 max;
};

/* A row read, ncols values in the table's order; non-zero stops. */
typedef int (*store_row_cb)(void *, const struct store_value *);

/*
 * A backend's rows.  Each returns -1 with the store's error set on
 * failure.  begin starts a read snapshot (write 0) or the one write
 * transaction (1), end commits (ok) or rolls it back.  put_begin returns
 * a handle for put (NULL on failure); put_end(ok) ends it, and makes
 * the database's numbering of serial continue after the rows put.
 */
struct store_rows_ops {
	const char	*(*where)(struct store *);	/* no password */
	int	 (*begin)(struct store *, int write);
	int	 (*end)(struct store *, int ok);
	int	 (*count)(struct store *, const struct store_table *,
		    struct store_tally *);
	int	 (*each)(struct store *, const struct store_table *,
		    store_row_cb, void *);
	void	*(*put_begin)(struct store *, const struct store_table *);
	int	 (*put)(void *, const struct store_value *);
	int	 (*put_end)(void *, int ok);
};

extern const struct store_rows_ops sq_rows;
#ifdef HAVE_LIBPQ
extern const struct store_rows_ops pg_rows;
#endif

#endif
