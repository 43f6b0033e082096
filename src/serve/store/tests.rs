use super::schema::SCHEMA_V1;
use super::*;

/// A database of the first version, with an event and a stand-in, as a server of that
/// version left it.
async fn version_1(url: &str) {
    let options = SqliteConnectOptions::new()
        .filename(url.trim_start_matches("sqlite://"))
        .create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    pool.execute(SCHEMA_V1).await.unwrap();
    pool.execute(
        "CREATE TABLE schema_version (version BIGINT NOT NULL); \
         INSERT INTO schema_version VALUES (1); \
         INSERT INTO events (learner, lesson, seq, line, hash, evidence, chained, broken, received_ms) VALUES \
         ('ada', 'class', 1, '{\"v\":1}', 'h1', 'live', 1, NULL, 0), \
         ('ada', 'class', 2, '{\"lesson\":\"class\",\"skipped\":\"ab\"}', 'h2', 'live', 0, NULL, 0), \
         ('ada', 'class', 3, '{\"skipped\":\"cd\",\"lesson\":\"class\"}', 'h3', 'live', 0, NULL, 0), \
         ('ada', 'class', 4, '{\"v\":1,\"skipped\":\"x\",\"lesson\":\"class\"}', 'h4', 'live', 1, NULL, 0)",
    )
    .await
    .unwrap();
    pool.close().await;
}

#[test]
fn a_first_version_database_is_brought_up_to_date_with_its_rows_told_apart() {
    let (_dir, url, runtime) = super::scratch();
    runtime.block_on(async {
        version_1(&url).await;
        let store = Store::open(&url).await.unwrap();
        let rows = store.events_after(Cursor::default(), 10).await.unwrap();
        let kinds: Vec<Kind> = rows.iter().map(|row| row.kind).collect();
        // Stand-ins as the old sender wrote them (keys in serde_json's order) and in any
        // other; a line with `v` stays an event.
        assert_eq!(
            kinds,
            [Kind::Event, Kind::StandIn, Kind::StandIn, Kind::Event]
        );
        assert_eq!(rows[1].cursor, Cursor { tx: 2, id: 2 });
        assert!(store.roster().await.unwrap().is_empty());
        // Opening it again runs nothing twice.
        drop(store);
        let store = Store::open(&url).await.unwrap();
        assert_eq!(
            store
                .events_after(Cursor::default(), 10)
                .await
                .unwrap()
                .len(),
            4
        );
    });
}

#[test]
fn a_database_url_is_shown_without_its_passwords() {
    assert_eq!(
        redact("postgres://ada:s3cret@db/class"),
        "postgres://ada:***@db/class"
    );
    assert_eq!(
        redact("postgres://db/class?user=ada&password=s3cret&sslmode=require"),
        "postgres://db/class?user=ada&password=***&sslmode=require"
    );
    assert_eq!(
        redact("postgresql://ada@db/class?sslPassword=k3y"),
        "postgresql://ada@db/class?sslPassword=***"
    );
    assert_eq!(
        redact("sqlite:///tmp/class.sqlite"),
        "sqlite:///tmp/class.sqlite"
    );
}
