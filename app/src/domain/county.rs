//! What a county of a deployment says for itself: its hotline, its other ways to report, the
//! body that issues its written notices and their document prefix. A county that wrote
//! nothing speaks with the deployment's settings.

use thiserror::Error;

/// What a county's administrator wrote; an empty value falls back to the deployment's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountySettings {
    pub hotline: String,
    /// Other ways to report, one per line.
    pub channels: String,
    pub issuer: String,
    pub notice_prefix: String,
}

/// What the county's pages, printed lists and notices use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountyVoice {
    pub hotline: String,
    pub channels: Vec<String>,
    /// The county's issuing body for notices (县民政局 unless the county named another).
    pub issuer: String,
    pub notice_prefix: String,
}

/// The county's voice: its own settings where it wrote them, else the deployment's hotline and
/// prefix, and "{county}民政局" as the issuer.
pub fn resolve(
    stored: &CountySettings,
    county_name: &str,
    site_hotline: &str,
    site_prefix: &str,
) -> CountyVoice {
    let or = |own: &str, fallback: &str| {
        if own.trim().is_empty() {
            fallback.to_owned()
        } else {
            own.trim().to_owned()
        }
    };
    CountyVoice {
        hotline: or(&stored.hotline, site_hotline),
        channels: stored
            .channels
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect(),
        issuer: or(&stored.issuer, &format!("{county_name}民政局")),
        notice_prefix: or(&stored.notice_prefix, site_prefix),
    }
}

/// Limits of the settings form.
pub const HOTLINE_MAX: usize = 30;
pub const CHANNELS_MAX_LINES: usize = 8;
pub const CHANNEL_MAX: usize = 120;
pub const ISSUER_MAX: usize = 40;
pub const PREFIX_MAX: usize = 12;

/// Which field of the settings form is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SettingsError {
    #[error("hotline: digits, spaces, '-' or '+' only, at most 30")]
    Hotline,
    #[error("channels: at most 8 lines of 120 characters")]
    Channels,
    #[error("issuer: at most 40 characters on one line")]
    Issuer,
    #[error("prefix: at most 12 characters, no digits, spaces or brackets")]
    Prefix,
}

fn one_line(s: &str, max: usize) -> bool {
    s.chars().count() <= max && !s.chars().any(char::is_control)
}

/// Parses the settings form (values trimmed; empty values are allowed and mean "the
/// deployment's").
pub fn parse(
    hotline: &str,
    channels: &str,
    issuer: &str,
    prefix: &str,
) -> Result<CountySettings, SettingsError> {
    let hotline = hotline.trim();
    if hotline.chars().count() > HOTLINE_MAX
        || !hotline
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+'))
    {
        return Err(SettingsError::Hotline);
    }
    let lines: Vec<&str> = channels
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > CHANNELS_MAX_LINES || !lines.iter().all(|l| one_line(l, CHANNEL_MAX)) {
        return Err(SettingsError::Channels);
    }
    let issuer = issuer.trim();
    if !one_line(issuer, ISSUER_MAX) {
        return Err(SettingsError::Issuer);
    }
    let prefix = prefix.trim();
    if !one_line(prefix, PREFIX_MAX)
        || prefix
            .chars()
            .any(|c| c.is_whitespace() || c.is_numeric() || "〔〕[]()（）【】".contains(c))
    {
        return Err(SettingsError::Prefix);
    }
    Ok(CountySettings {
        hotline: hotline.to_owned(),
        channels: lines.join("\n"),
        issuer: issuer.to_owned(),
        notice_prefix: prefix.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_that_wrote_nothing_speaks_with_the_deployments_settings() {
        let v = resolve(&CountySettings::default(), "巧家县", "12345", "鲁民低告");
        assert_eq!(v.hotline, "12345");
        assert_eq!(v.issuer, "巧家县民政局");
        assert_eq!(v.notice_prefix, "鲁民低告");
        assert!(v.channels.is_empty());
    }

    #[test]
    fn a_county_speaks_with_what_it_wrote() {
        let stored = parse(
            " 0870-7122345 ",
            "县民政局举报信箱：县政府大院一楼\n\n  来访：周一至周五 9:00-17:00  ",
            "巧家县民政局",
            "巧民低告",
        )
        .expect("valid");
        let v = resolve(&stored, "巧家县", "12345", "鲁民低告");
        assert_eq!(v.hotline, "0870-7122345");
        assert_eq!(
            v.channels,
            vec![
                "县民政局举报信箱：县政府大院一楼",
                "来访：周一至周五 9:00-17:00"
            ]
        );
        assert_eq!(v.notice_prefix, "巧民低告");
    }

    #[test]
    fn bad_settings_are_refused_by_field() {
        assert_eq!(
            parse("12345<script>", "", "", ""),
            Err(SettingsError::Hotline)
        );
        assert_eq!(
            parse(&"1".repeat(31), "", "", ""),
            Err(SettingsError::Hotline)
        );
        assert_eq!(
            parse("", &"a\n".repeat(9), "", ""),
            Err(SettingsError::Channels)
        );
        assert_eq!(
            parse("", &"信".repeat(121), "", ""),
            Err(SettingsError::Channels)
        );
        assert_eq!(parse("", "", "民政局\u{0}", ""), Err(SettingsError::Issuer));
        assert_eq!(
            parse("", "", &"局".repeat(41), ""),
            Err(SettingsError::Issuer)
        );
        assert_eq!(
            parse("", "", "", "巧民低告2026"),
            Err(SettingsError::Prefix)
        );
        assert_eq!(parse("", "", "", "巧民〔低〕"), Err(SettingsError::Prefix));
        assert_eq!(parse("", "", "", "巧 民"), Err(SettingsError::Prefix));
        assert!(parse("", "", "", "").is_ok(), "empty: the deployment's");
    }
}
