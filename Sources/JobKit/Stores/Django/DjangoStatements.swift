/// The SQL of ``DjangoLockStore``: django-db-mutex 3.1's own statements on its own table,
/// with the time taken from the database server's clock (`now()`) where Django uses the
/// Python process's (`timezone.now()`).
///
/// django-db-mutex acquires with two statements, each in its own transaction: it deletes every
/// row (of every lock id) whose `creation_time` is at least the TTL old, then inserts the
/// lock's row, and a unique violation on `lock_id` means the lock is held. It releases by
/// deleting its row by `id`, and a row already gone means the lock timed out. These
/// statements keep exactly that protocol, so a Django process and a Swift process exclude
/// each other. Times cross the wire as microseconds since the Unix epoch (`bigint`).
struct DjangoStatements: Sendable {
    let table: TableName

    /// `ts` as epoch microseconds.
    private static func us(_ ts: String) -> String { "(extract(epoch FROM \(ts)) * 1000000)::bigint" }

    /// Reads nothing, checks that the table has django-db-mutex's three columns.
    var check: String {
        "SELECT id, lock_id, creation_time FROM \(table.quoted) LIMIT 0"
    }

    /// Django's `delete_expired_locks`: every row at least `$1` microseconds old goes, whatever
    /// its lock id (`<=`: a row exactly one TTL old is expired). Returns the purged row of the
    /// lock id `$2`, if there was one, so the acquire can report what it took over.
    var purge: String {
        """
        WITH purged AS (
            DELETE FROM \(table.quoted) WHERE creation_time <= now() - $1::bigint * interval '1 microsecond'
            RETURNING id, lock_id, creation_time
        )
        SELECT id, \(Self.us("creation_time")) FROM purged WHERE lock_id = $2
        """
    }

    /// Django's `DBMutex.objects.create(lock_id=…)`: a unique violation (SQLSTATE 23505) means
    /// the lock is held. The new row's `id` is the lease's fencing token.
    var insert: String {
        """
        INSERT INTO \(table.quoted) (lock_id, creation_time) VALUES ($1, now())
        RETURNING id, \(Self.us("creation_time"))
        """
    }

    /// The row that holds lock id `$1`, to name it in a refusal.
    var holder: String {
        "SELECT id, \(Self.us("creation_time")) FROM \(table.quoted) WHERE lock_id = $1"
    }

    /// Django's `stop()`: delete the row by `id` (`$1`); no row means the lock timed out. In the
    /// same statement, the row that now holds lock id `$2`, if another one does (the snapshot
    /// is taken before the delete, so the holder's own row is excluded by id).
    var release: String {
        """
        WITH gone AS (DELETE FROM \(table.quoted) WHERE id = $1::bigint RETURNING id)
        SELECT (SELECT count(*) FROM gone), current.id, \(Self.us("current.creation_time"))
        FROM (SELECT 1) AS one
        LEFT JOIN \(table.quoted) AS current ON current.lock_id = $2 AND current.id <> $1::bigint
        """
    }

    /// Whether the row with `id` `$1` is still there, and whether it is at least `$3`
    /// microseconds old (`NULL` when it is gone); the row that now holds lock id `$2`, if
    /// another one does. Reads only: the table has no liveness column to extend.
    var stillHeld: String {
        """
        SELECT (SELECT $3::bigint IS NOT NULL AND creation_time <= now() - $3::bigint * interval '1 microsecond'
                FROM \(table.quoted) WHERE id = $1::bigint),
               current.id, \(Self.us("current.creation_time"))
        FROM (SELECT 1) AS one
        LEFT JOIN \(table.quoted) AS current ON current.lock_id = $2 AND current.id <> $1::bigint
        """
    }

    /// Every row, with whether it is at least `$1` microseconds old (never, when `$1` is `NULL`).
    var list: String {
        """
        SELECT lock_id, id, \(Self.us("creation_time")),
               $1::bigint IS NOT NULL AND creation_time <= now() - $1::bigint * interval '1 microsecond'
        FROM \(table.quoted) ORDER BY lock_id
        """
    }

    /// Deletes lock id `$1`'s row, whoever holds it (what Django's admin does).
    var forceRelease: String {
        "DELETE FROM \(table.quoted) WHERE lock_id = $1 RETURNING id"
    }
}
