//! The words of the format: HTTP methods, section names, options, Hurl's template
//! functions, and what Hurl has that labrun lacks (said "not supported", not "unknown").

/// Hurl's template functions: `{{newUuid}}` is a new random UUID, `{{newDate}}` the time
/// now (RFC 3339, in microseconds), each time a request is made.
pub const HURL_FUNCTIONS: &[&str] = &["newUuid", "newDate"];

/// The methods of HTTP (RFC 9110, RFC 5789), WebDAV (RFC 4918, RFC 5323, RFC 3253) and the
/// registry's other common ones. Hurl sends any uppercase word; labrun takes a word none of
/// these names as a typo (`GTE`), and says which was meant.
pub(super) const METHODS: &[&str] = &[
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "CONNECT",
    "OPTIONS",
    "TRACE",
    "PATCH",
    "LINK",
    "UNLINK",
    "PURGE",
    "LOCK",
    "UNLOCK",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "SEARCH",
    "REPORT",
    "QUERY",
    "VIEW",
];
pub(super) const SECTIONS: &str =
    "QueryStringParams Query FormParams Form Options Captures Asserts";
pub(super) const OPTIONS: &str = "retry retry-interval timeout max-time";
// What Hurl has and labrun lacks, to say "not supported" rather than suggest a typo fix: every
// option of hurl 8.0's `[Options]` section (hurl_core's `parser/option.rs`) but labrun's own.
// Only looked up once a word is known to be wrong, so a string is enough.
pub(super) const HURL_OPTIONS: &str = "aws-sigv4 cacert cert compressed connect-to connect-timeout delay \
    digest header http1.0 http1.1 http2 http3 insecure ipv4 ipv6 key limit-rate location \
    location-trusted max-redirs negotiate netrc netrc-file netrc-optional ntlm output path-as-is \
    pinnedpubkey proxy repeat resolve skip unix-socket user variable verbose verbosity \
    very-verbose";
pub(super) fn listed(list: &str, word: &str) -> bool {
    !word.is_empty() && list.split(' ').any(|w| w == word)
}

/// The words of `[Captures]` and `[Asserts]` lines labrun reads, and those only Hurl has.
pub(super) const QUERIES: &str = "jsonpath header status body bytes sha256 duration regex variable";
pub(super) const FILTERS: &str = "count first last nth toString toInt toFloat toHex split replace \
    replaceRegex regex jsonpath decode urlQueryParam toDate format dateFormat daysAfterNow daysBeforeNow \
    urlEncode urlDecode htmlEscape htmlUnescape utf8Encode utf8Decode base64Encode base64Decode \
    base64UrlSafeEncode base64UrlSafeDecode";
pub(super) const PREDICATES: &str = "== != < <= > >= contains startsWith endsWith includes matches exists \
    isEmpty isBoolean isCollection isDate isFloat isInteger isIpv4 isIpv6 isIsoDate isList \
    isNumber isObject isString isUuid";
// What Hurl has and labrun leaves out, to say "not supported" rather than suggest a typo fix.
pub(super) const HURL_ONLY_QUERIES: &str =
    "url cookie xpath ip redirects version certificate md5 rawbytes";
pub(super) const HURL_ONLY_FILTERS: &str = "xpath location charsetDecode";
