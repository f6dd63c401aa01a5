//! [`Budget`]: how many capacity units per second a table or index may consume, fixed or
//! adaptive, checked when it is made.

/// A rate in capacity units per second: fixed, or adaptive between a floor and a ceiling.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Budget {
    /// Always this rate.
    Fixed(f64),
    /// Starts at `start`, is cut on throttling, climbs back while calls succeed, never above
    /// `ceiling`.
    Adaptive {
        /// The rate to begin with.
        start: f64,
        /// The most it ever allows.
        ceiling: f64,
    },
}

/// A budget that cannot work as given.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LimitError {
    /// A rate that is zero, negative, infinite or not a number.
    #[error("{what} must be a positive, finite number of capacity units per second, not {value}")]
    NotPositive {
        /// Which rate: `rate`, `start` or `ceiling`.
        what: &'static str,
        /// The value given.
        value: f64,
    },
    /// An adaptive budget that would start above its own ceiling.
    #[error("an adaptive rate starts at or below its ceiling: start {start} is above {ceiling}")]
    StartAboveCeiling {
        /// The start given.
        start: f64,
        /// The ceiling given.
        ceiling: f64,
    },
}

fn positive(what: &'static str, value: f64) -> Result<f64, LimitError> {
    if value > 0.0 && value.is_finite() {
        Ok(value)
    } else {
        Err(LimitError::NotPositive { what, value })
    }
}

impl Budget {
    /// Always `rate` units per second.
    ///
    /// # Errors
    /// [`LimitError::NotPositive`] unless `rate` is positive and finite.
    pub fn fixed(rate: f64) -> Result<Self, LimitError> {
        Ok(Self::Fixed(positive("rate", rate)?))
    }

    /// From `start` units per second, adapting to throttling, never above `ceiling`.
    ///
    /// # Errors
    /// [`LimitError::NotPositive`] unless both are positive and finite;
    /// [`LimitError::StartAboveCeiling`] when `start` exceeds `ceiling`.
    pub fn adaptive(start: f64, ceiling: f64) -> Result<Self, LimitError> {
        let (start, ceiling) = (positive("start", start)?, positive("ceiling", ceiling)?);
        if start > ceiling {
            return Err(LimitError::StartAboveCeiling { start, ceiling });
        }
        Ok(Self::Adaptive { start, ceiling })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_must_be_positive_and_finite() {
        assert_eq!(Budget::fixed(100.0), Ok(Budget::Fixed(100.0)));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                Budget::fixed(bad),
                Err(LimitError::NotPositive { what: "rate", .. })
            ));
        }
        assert!(matches!(
            Budget::adaptive(10.0, -5.0),
            Err(LimitError::NotPositive {
                what: "ceiling",
                ..
            })
        ));
    }

    #[test]
    fn an_adaptive_budget_starts_at_or_below_its_ceiling() {
        assert!(Budget::adaptive(50.0, 50.0).is_ok());
        let err = Budget::adaptive(80.0, 50.0).expect_err("above");
        assert_eq!(
            err.to_string(),
            "an adaptive rate starts at or below its ceiling: start 80 is above 50"
        );
    }
}
