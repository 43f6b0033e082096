use super::*;

#[test]
fn rate_buckets_of_clients_gone_quiet_are_dropped_so_memory_stays_bounded() {
    let (_dir, url, runtime) = super::super::store::scratch();
    let store = runtime.block_on(Store::open(&url)).unwrap();
    let (server, _queue) = Server::new(store, String::new(), String::new(), String::new());
    let count = || server.rates.lock().unwrap().len();
    // Joins from ever new addresses.
    for address in 0..RATES_KEPT {
        server
            .rate_joins(&format!("10.1.{}.{}", address / 256, address % 256))
            .unwrap();
    }
    assert_eq!(count(), RATES_KEPT);
    // Each bucket is full again within 5 ms: the next new client drops them all.
    std::thread::sleep(Duration::from_millis(20));
    server.rate_joins("10.2.0.1").unwrap();
    assert_eq!(count(), 1);
    // A bucket in use is kept: one token drained stays drained.
    for _ in 0..BURST as usize {
        server.rate("busy").unwrap();
    }
    assert!(server.rate("busy").is_err());
    for address in 0..RATES_KEPT {
        server
            .rate_joins(&format!("10.0.{}.{}", address / 256, address % 256))
            .unwrap();
    }
    std::thread::sleep(Duration::from_millis(20));
    server.rate_joins("10.255.255.255").unwrap();
    // (It has refilled a token or two meanwhile, far from its burst.)
    let rates = server.rates.lock().unwrap();
    assert!(rates.len() <= RATES_KEPT, "{}", rates.len());
    assert!(
        rates["busy"].tokens < 10.0,
        "the flooding token was forgotten"
    );
    drop(rates);
    // IPv6 clients count by their /64: rotating addresses within it gains nothing.
    for host in 0..JOIN_BURST as u32 {
        server
            .rate_joins_from(Some(format!("2001:db8:0:7::{host:x}").parse().unwrap()))
            .unwrap();
    }
    assert!(
        server
            .rate_joins_from(Some("2001:db8:0:7::ffff:ffff".parse().unwrap()))
            .is_err()
    );
    assert!(
        server
            .rate_joins_from(Some("2001:db8:0:8::1".parse().unwrap()))
            .is_ok()
    );
}
