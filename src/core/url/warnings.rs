//! [`UpgradeWarnings`]: which upgraded `ws://` URLs were already reported, so that the driver
//! writes each warning once.

use alloc::string::String;
use alloc::vec::Vec;

use super::{upgrade_warning, Resolved};

/// How many distinct upgraded URLs are remembered.
const REMEMBERED: usize = 16;

/// The `ws://` URLs already reported as upgraded to `wss://` (the last 16), held by the driver
/// that writes the warnings. Nothing here writes anything: [`UpgradeWarnings::first`] returns
/// the text, and the driver writes it after the call that resolved the URL has returned.
///
/// ```
/// use wsguard::core::url::{Resolved, UpgradeWarnings};
/// let mut warnings = UpgradeWarnings::new();
/// let resolved = Resolved {
///     url: "wss://h/ws".into(),
///     upgraded_from: Some("ws://h/ws".into()),
/// };
/// assert!(warnings.first(&resolved).unwrap().starts_with("wsguard: upgraded ws://h/ws"));
/// assert_eq!(warnings.first(&resolved), None); // once per URL
/// ```
#[derive(Debug, Default)]
pub struct UpgradeWarnings {
    urls: Vec<String>,
}

impl UpgradeWarnings {
    /// Nothing reported yet.
    ///
    /// ```
    /// let warnings = wsguard::core::url::UpgradeWarnings::new();
    /// # drop(warnings);
    /// ```
    pub const fn new() -> Self {
        Self { urls: Vec::new() }
    }

    /// The warning to write for `resolved` ([`upgrade_warning`]): `Some` the first time its
    /// `ws://` URL was upgraded, `None` when it was not upgraded or was already reported.
    ///
    /// ```
    /// use wsguard::core::url::{Resolved, UpgradeWarnings};
    /// let kept = Resolved { url: "wss://h/ws".into(), upgraded_from: None };
    /// assert_eq!(UpgradeWarnings::new().first(&kept), None);
    /// ```
    pub fn first(&mut self, resolved: &Resolved) -> Option<String> {
        let from = resolved.upgraded_from.as_deref()?;
        if self.urls.iter().any(|url| url == from) {
            return None;
        }
        if self.urls.len() == REMEMBERED {
            self.urls.remove(0);
        }
        self.urls.push(String::from(from));
        Some(upgrade_warning(from, &resolved.url))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::format;

    fn upgraded(n: usize) -> Resolved {
        Resolved {
            url: format!("wss://h/{n}"),
            upgraded_from: Some(format!("ws://h/{n}")),
        }
    }

    #[test]
    fn each_url_once_among_the_last_sixteen() {
        let mut warnings = UpgradeWarnings::new();
        for n in 0..REMEMBERED {
            assert!(warnings.first(&upgraded(n)).is_some());
        }
        for n in 0..REMEMBERED {
            assert_eq!(warnings.first(&upgraded(n)), None);
        }
        // A seventeenth URL pushes out the oldest, which is then reported again.
        assert!(warnings.first(&upgraded(REMEMBERED)).is_some());
        assert!(warnings.first(&upgraded(0)).is_some());
        assert_eq!(warnings.first(&upgraded(REMEMBERED)), None);
    }

    #[test]
    fn the_text_names_both_urls_redacted() {
        let resolved = Resolved {
            url: "wss://h/ws?token=secret".into(),
            upgraded_from: Some("ws://h/ws?token=secret".into()),
        };
        let text = UpgradeWarnings::new().first(&resolved).unwrap();
        assert!(text.starts_with("wsguard: upgraded ws://h/ws to wss://h/ws "));
        assert!(!text.contains("secret"));
    }
}
