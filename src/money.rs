//! Formatting of money, counts and percentages for people: thousands
//! separators and the map's currency code.

/// `1234567.891` in `USD` becomes `USD 1,234,568`.
pub fn money(amount: f64, currency: &str) -> String {
    format!("{currency} {}", thousands(amount, 0))
}

/// Money with cents, for inspectors and breakdowns: `USD 1,234.57`.
pub fn money_cents(amount: f64, currency: &str) -> String {
    format!("{currency} {}", thousands(amount, 2))
}

/// Money in compact form for small cards: `USD 12.3k`, `USD 1.2M`.
pub fn money_short(amount: f64, currency: &str) -> String {
    let a = amount.abs();
    let body = if a >= 1e9 {
        format!("{:.1}B", amount / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", amount / 1e6)
    } else if a >= 1e4 {
        format!("{:.1}k", amount / 1e3)
    } else {
        thousands(amount, 0)
    };
    format!("{currency} {body}")
}

/// A number with comma thousands separators and the given decimals. A
/// value that is not a finite number is shown as "—", never as "inf".
pub fn thousands(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "—".to_owned();
    }
    let text = format!("{:.*}", decimals, value.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + int.len() / 3 + 1);
    let negative = value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0');
    if negative {
        out.push('-');
    }
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if let Some(frac) = frac {
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// A share as `42.5%` ("—" when it is not a finite number).
pub fn percent(pct: f64) -> String {
    if pct.is_finite() {
        format!("{pct:.1}%")
    } else {
        "—".to_owned()
    }
}

/// A number without trailing zeros: 6, 2.5, 0.25.
pub fn trim_number(value: f64) -> String {
    let text = format!("{value:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_thousands() {
        assert_eq!(thousands(0.0, 0), "0");
        assert_eq!(thousands(999.0, 0), "999");
        assert_eq!(thousands(1000.0, 0), "1,000");
        assert_eq!(thousands(1234567.891, 2), "1,234,567.89");
        assert_eq!(thousands(-1234.5, 1), "-1,234.5");
        assert_eq!(thousands(-0.001, 0), "0");
        assert_eq!(money(98765.4, "EUR"), "EUR 98,765");
        assert_eq!(money_short(12345.0, "USD"), "USD 12.3k");
        assert_eq!(money_short(2_500_000.0, "USD"), "USD 2.5M");
    }
}
