//! The account password policy's numeric settings, shared by the password rules.

use crate::fix::Fix;
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::value::format_number;

pub const POLICY: &str = "aws_iam_account_password_policy";

/// Which side of the threshold is secure.
#[derive(Clone, Copy)]
pub enum Bound {
    AtLeast(f64),
    AtMost(f64),
}

/// Reports `setting` of every account password policy when it is absent (`absent` says what that means) or on
/// the wrong side of `bound`; the fix writes the threshold.
pub fn check_setting(ctx: &mut TfContext, setting: &str, bound: Bound, absent: &str, describe: fn(f64) -> String) {
    let secure = match bound {
        Bound::AtLeast(n) | Bound::AtMost(n) => n,
    };
    for res in ctx.resources(POLICY).collect::<Vec<_>>() {
        let fix = Fix::new(
            format!("Set `{setting} = {}`", format_number(secure)),
            vec![edit::set_attribute(ctx.file(res), res.block, setting, &format_number(secure))],
        );
        match ctx.attr(res.block, setting) {
            None => ctx.report_with_fix(res, res.block.header, format!("`{}` {absent}", res.address()), fix),
            Some((attr, value)) => {
                let Some(n) = value.as_f64() else { continue };
                // An upper bound of 0 is no bound: `max_password_age = 0` means passwords never expire.
                let off = matches!(bound, Bound::AtMost(_)) && n <= 0.0;
                let weak = match bound {
                    Bound::AtLeast(min) => n < min,
                    Bound::AtMost(max) => off || n > max,
                };
                if off {
                    let message = format!(
                        "`{}` sets `{setting} = {}`, which is no limit at all",
                        res.address(),
                        format_number(n)
                    );
                    ctx.report_with_fix(res, attr.range, message, fix);
                } else if weak {
                    ctx.report_with_fix(res, attr.range, format!("`{}` {}", res.address(), describe(n)), fix);
                }
            }
        }
    }
}
