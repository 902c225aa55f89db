//! URL scheme rules: which WebSocket URL a user's input means on a given page.
//!
//! The rules are pure; the URL parsing itself is injected through [`UrlParser`], so the
//! browser driver uses the browser's own WHATWG parser (`URL`) and host tests use
//! an equivalent one.
//!
//! | input | page `http:` | page `https:` |
//! |---|---|---|
//! | `/ws`, `ws`, `../ws`, `?room=1`, `//host/ws` | `ws://…` (joined with the page) | `wss://…` |
//! | `http://…` / `https://…` | `ws://…` / `wss://…` | `ws://…` per [`Insecure`] / `wss://…` |
//! | `ws://…` | kept | per [`Insecure`] |
//! | `wss://…` | kept | kept (never downgraded) |
//!
//! A fragment is dropped; any other scheme, an empty input, or a relative input on a page
//! without an `http(s):` origin is an error.
//!
//! ```
//! use wsguard::core::url::{resolve, Insecure, Page, UrlError, UrlParser};
//! # struct Parser;
//! # impl UrlParser for Parser {
//! #     fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
//! #         Some(input.to_string())
//! #     }
//! # }
//! let page = Page::new("https:", "https://example.com/");
//! let err = resolve("ws://example.com/ws", Some(&page), Insecure::Error, &Parser).unwrap_err();
//! assert!(matches!(err, UrlError::InsecureRefused { .. }));
//! ```

use alloc::string::String;
use core::fmt;

use super::text::concat;

mod warnings;
pub use warnings::UpgradeWarnings;

/// What to do with a `ws://` URL (or `http://`, which means the same) on an HTTPS page.
///
/// Browsers block such a connection as mixed content (except to loopback hosts), so keeping
/// it silently would only fail later with a less helpful error.
///
/// ```
/// use wsguard::core::url::Insecure;
/// assert_eq!(Insecure::parse("allow"), Some(Insecure::Allow));
/// assert_eq!(Insecure::parse("downgrade"), None);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Insecure {
    /// Rewrite the URL to `wss://` and warn once on the console (the default).
    #[default]
    Upgrade,
    /// Refuse the URL with [`UrlError::InsecureRefused`].
    Error,
    /// Keep `ws://`: for a back end on `localhost` during development.
    Allow,
}

impl Insecure {
    /// The policy named by `name` (`"upgrade"`, `"error"` or `"allow"`), if any.
    ///
    /// ```
    /// use wsguard::core::url::Insecure;
    /// assert_eq!(Insecure::parse("error"), Some(Insecure::Error));
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "upgrade" => Some(Self::Upgrade),
            "error" => Some(Self::Error),
            "allow" => Some(Self::Allow),
            _ => None,
        }
    }
}

/// The page (or worker) the client runs on: `location.protocol` and `location.href`.
///
/// ```
/// use wsguard::core::url::Page;
/// let page = Page::new("https:", "https://example.com/app/");
/// assert!(page.is_secure());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page<'a> {
    protocol: &'a str,
    href: &'a str,
}

impl<'a> Page<'a> {
    /// A page from its `location.protocol` (with the colon, as the browser gives it) and
    /// `location.href`.
    ///
    /// ```
    /// use wsguard::core::url::Page;
    /// let page = Page::new("http:", "http://localhost:8080/");
    /// assert!(!page.is_secure());
    /// ```
    pub fn new(protocol: &'a str, href: &'a str) -> Self {
        Self { protocol, href }
    }

    /// The page at `href` (its `location.href`), its protocol read from it.
    ///
    /// ```
    /// assert!(wsguard::core::url::Page::at("https://app.example/").is_secure());
    /// ```
    pub fn at(href: &'a str) -> Self {
        // Bytes, not `str::find` (see `before_any`); `get`, not indexing: no panic path.
        let colon = href.bytes().position(|byte| byte == b':');
        let protocol = colon.and_then(|colon| href.get(..=colon));
        Self::new(protocol.unwrap_or_default(), href)
    }

    /// Whether the page was loaded over HTTPS.
    ///
    /// ```
    /// use wsguard::core::url::Page;
    /// assert!(Page::new("HTTPS:", "https://a/").is_secure());
    /// ```
    pub fn is_secure(&self) -> bool {
        self.protocol.eq_ignore_ascii_case("https:")
    }

    /// Whether the page has an `http(s):` origin that a relative URL can be joined with.
    fn is_web(&self) -> bool {
        self.is_secure() || self.protocol.eq_ignore_ascii_case("http:")
    }
}

/// A WHATWG URL parser: `new URL(input, base)` in a browser.
///
/// Returns the serialized URL (`href`), or `None` where the parser throws.
///
/// ```
/// use wsguard::core::url::UrlParser;
/// struct Naive;
/// impl UrlParser for Naive {
///     fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
///         input.contains("://").then(|| input.to_string())
///     }
/// }
/// assert_eq!(Naive.parse("ws://a/", None).as_deref(), Some("ws://a/"));
/// ```
pub trait UrlParser {
    /// Parses `input` against `base` (an absolute URL) and serializes the result.
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String>;
}

/// A resolved WebSocket URL.
///
/// ```
/// use wsguard::core::url::Resolved;
/// let r = Resolved { url: "wss://a/ws".into(), upgraded_from: Some("ws://a/ws".into()) };
/// assert!(r.upgraded_from.is_some());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The `ws://` or `wss://` URL to open, without a fragment.
    pub url: String,
    /// The insecure URL that was rewritten to `wss://` under [`Insecure::Upgrade`], if any:
    /// the driver warns about it once.
    pub upgraded_from: Option<String>,
}

/// Why an input is not a usable WebSocket URL. [`UrlError::message`] (and `Display`) names
/// the input and the rule.
///
/// ```
/// use wsguard::core::url::UrlError;
/// let e = UrlError::Empty;
/// assert!(e.message().contains("empty"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlError {
    /// The input is empty or only white space.
    Empty,
    /// The input names a scheme other than `ws:`, `wss:`, `http:` or `https:`.
    UnsupportedScheme {
        /// The input, redacted and shortened.
        input: String,
        /// The scheme found, lower case, without the colon.
        scheme: String,
    },
    /// A relative input on a page with no `http(s):` origin (`about:`, `data:`, `file:`, or no
    /// page at all).
    NoBase {
        /// The input, redacted and shortened.
        input: String,
        /// The page's protocol, or `None` where there is no page.
        page_protocol: Option<String>,
    },
    /// The URL parser rejected the input.
    Invalid {
        /// The input, redacted and shortened.
        input: String,
    },
    /// A `ws://` URL on an HTTPS page with [`Insecure::Error`].
    InsecureRefused {
        /// The insecure URL, redacted.
        url: String,
    },
}

impl UrlError {
    /// The error in a sentence, starting with `wsguard: `.
    ///
    /// ```
    /// use wsguard::core::url::UrlError;
    /// let e = UrlError::Invalid { input: "ws://[::1".into() };
    /// assert_eq!(e.message(), "wsguard: \"ws://[::1\" is not a valid URL");
    /// ```
    pub fn message(&self) -> String {
        match self {
            Self::Empty => "wsguard: the URL is empty; pass a ws:, wss:, http:, https: or relative URL such as \"/ws\"".into(),
            Self::UnsupportedScheme { input, scheme } => concat(&[
                "wsguard: the URL \"",
                input,
                "\" has the scheme \"",
                scheme,
                ":\"; only ws:, wss:, http:, https: and relative URLs are allowed",
            ]),
            Self::NoBase { input, page_protocol } => {
                let (page_open, protocol, page_close) = match page_protocol {
                    Some(protocol) => ("on a page loaded from \"", protocol.as_str(), "\""),
                    None => ("without a page location", "", ""),
                };
                concat(&[
                    "wsguard: the relative URL \"",
                    input,
                    "\" cannot be resolved ",
                    page_open,
                    protocol,
                    page_close,
                    "; pass an absolute ws: or wss: URL",
                ])
            }
            Self::Invalid { input } => concat(&["wsguard: \"", input, "\" is not a valid URL"]),
            Self::InsecureRefused { url } => concat(&[
                "wsguard: the insecure URL \"",
                url,
                "\" is refused on an HTTPS page (insecure: \"error\"); use wss:, or insecure: \"upgrade\" or \"allow\"",
            ]),
        }
    }
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for UrlError {}

/// Resolves a user's input to the WebSocket URL to open on `page`.
///
/// `page` is `None` where the code runs with no location (then only absolute URLs work).
///
/// ```
/// use wsguard::core::url::{resolve, Insecure, Page, UrlParser};
/// # struct Parser;
/// # impl UrlParser for Parser {
/// #     fn parse(&self, input: &str, _base: Option<&str>) -> Option<String> {
/// #         Some(input.to_string())
/// #     }
/// # }
/// let page = Page::new("http:", "http://localhost:8080/");
/// let r = resolve("https://api.example/ws#x", Some(&page), Insecure::Upgrade, &Parser).unwrap();
/// assert_eq!(r.url, "wss://api.example/ws");
/// ```
pub fn resolve(
    input: &str,
    page: Option<&Page<'_>>,
    insecure: Insecure,
    parser: &impl UrlParser,
) -> Result<Resolved, UrlError> {
    // The WHATWG parser ignores leading and trailing C0 controls and spaces. They are ASCII,
    // and no byte of a multi-byte character is, so the input is trimmed bytewise (smaller in
    // WebAssembly than `trim_matches`, which decodes characters).
    let bytes = input.as_bytes();
    let start = bytes
        .iter()
        .position(|&byte| byte > b' ')
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|&byte| byte > b' ')
        .map_or(start, |last| last + 1);
    let input = input.get(start..end).unwrap_or_default();
    if input.is_empty() {
        return Err(UrlError::Empty);
    }
    let web_page = page.filter(|p| p.is_web());
    let href = match scheme_of(input) {
        Some(scheme) => {
            let scheme = scheme.to_ascii_lowercase();
            if !matches!(scheme.as_str(), "ws" | "wss" | "http" | "https") {
                return Err(UrlError::UnsupportedScheme {
                    input: redact(input),
                    scheme,
                });
            }
            parser.parse(input, web_page.map(|p| p.href))
        }
        None => {
            let Some(page) = web_page else {
                return Err(UrlError::NoBase {
                    input: redact(input),
                    page_protocol: page.map(|p| p.protocol.into()),
                });
            };
            parser.parse(input, Some(page.href))
        }
    }
    .ok_or_else(|| UrlError::Invalid {
        input: redact(input),
    })?;

    let (scheme, rest) = href.split_once(':').ok_or_else(|| UrlError::Invalid {
        input: redact(input),
    })?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let secure = match scheme {
        "wss" | "https" => true,
        "ws" | "http" => false,
        other => {
            return Err(UrlError::UnsupportedScheme {
                input: redact(input),
                scheme: other.into(),
            })
        }
    };
    if secure {
        return Ok(Resolved {
            url: concat(&["wss:", rest]),
            upgraded_from: None,
        });
    }
    let url = concat(&["ws:", rest]);
    if !page.is_some_and(|p| p.is_secure()) {
        return Ok(Resolved {
            url,
            upgraded_from: None,
        });
    }
    match insecure {
        Insecure::Allow => Ok(Resolved {
            url,
            upgraded_from: None,
        }),
        Insecure::Error => Err(UrlError::InsecureRefused { url: redact(&url) }),
        Insecure::Upgrade => Ok(Resolved {
            url: concat(&["wss:", rest]),
            upgraded_from: Some(url),
        }),
    }
}

/// The longest excerpt of an input that errors and diagnoses quote.
const EXCERPT_CHARS: usize = 120;

/// A URL (or any user input) safe to show: no query, no fragment, no user info, and at most
/// 120 characters.
///
/// Tokens often travel in the query string or the user info; neither appears in wsguard's
/// errors, events or console output.
///
/// ```
/// use wsguard::core::url::redact;
/// assert_eq!(redact("wss://me:pw@api.example/ws?token=s3cret#x"), "wss://api.example/ws");
/// ```
pub fn redact(input: &str) -> String {
    let without_query = before_any(input, b"?#");
    let double_slash = without_query
        .as_bytes()
        .windows(2)
        .position(|pair| pair == b"//");
    let (head, slashes, rest) = match double_slash {
        Some(at) => (
            without_query.get(..at).unwrap_or_default(),
            "//",
            without_query.get(at + 2..).unwrap_or_default(),
        ),
        None => ("", "", without_query),
    };
    let authority = before_any(rest, b"/\\");
    let tail = match authority.bytes().rposition(|byte| byte == b'@') {
        Some(at) => rest.get(at + 1..).unwrap_or_default(),
        None => rest,
    };
    let mut out = String::with_capacity(head.len() + slashes.len() + tail.len());
    let chars = head.chars().chain(slashes.chars()).chain(tail.chars());
    for (count, c) in chars.enumerate() {
        if count == EXCERPT_CHARS {
            out.push('…');
            break;
        }
        out.push(c);
    }
    out
}

/// The part of `text` before the first of the ASCII bytes `stops`, or all of it. [`redact`]
/// searches bytes rather than with `str`'s patterns, whose searchers cost about 300 B gzip of
/// WebAssembly; the position of an ASCII byte is always a character boundary.
fn before_any<'a>(text: &'a str, stops: &[u8]) -> &'a str {
    let end = text.bytes().position(|byte| stops.contains(&byte));
    end.and_then(|end| text.get(..end)).unwrap_or(text)
}

/// The console warning for a `ws:` URL upgraded to `wss:` on an HTTPS page, both redacted.
///
/// ```
/// use wsguard::core::url::upgrade_warning;
/// let text = upgrade_warning("ws://h:8080/ws?t=1", "wss://h:8080/ws?t=1");
/// assert!(text.starts_with("wsguard: upgraded ws://h:8080/ws to wss://h:8080/ws "));
/// ```
pub fn upgrade_warning(from: &str, to: &str) -> String {
    concat(&[
        "wsguard: upgraded ",
        &redact(from),
        " to ",
        &redact(to),
        " for this HTTPS page, where browsers block ws://. Use wss:// (on the port that serves TLS), a relative URL such as \"/ws\", or insecure: \"allow\" for a localhost back end.",
    ])
}

/// The scheme of an absolute URL (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`), if the
/// input starts with one.
fn scheme_of(input: &str) -> Option<&str> {
    let (scheme, _) = input.split_once(':')?;
    // Bytewise: every character allowed is ASCII, and no byte of another character is.
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(scheme)
}
