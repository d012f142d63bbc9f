//! Companion resources whose contents a rule reads.
//!
//! [`TfContext::companions`] answers from an index of which resource names which; the index changes only when
//! links change, so a run that reads a companion's *settings* (a versioning resource's `status`, an inline
//! policy's document) must also record that it read the companions' contents, or the editor's analysis keeps
//! its finding when only a setting changed. These lookups record it.

use crate::terraform::check::{Resource, TfContext};

/// Records that the run read the contents of every resource of type `ty`.
pub fn read_all(ctx: &TfContext, ty: &str) {
    // (Asking for them is what records the read.)
    let _ = ctx.all_resources(ty);
}

/// [`TfContext::companions`], recording that their contents are read.
pub fn companions<'m>(
    ctx: &TfContext<'_, 'm>,
    target: Resource<'m>,
    ty: &'static str,
    link: &str,
    name_attrs: &[&str],
) -> Vec<Resource<'m>> {
    read_all(ctx, ty);
    ctx.companions(target, ty, link, name_attrs)
}

/// [`super::s3::companions`], recording that their contents are read.
pub fn s3_companions<'m>(ctx: &TfContext<'_, 'm>, bucket: Resource<'m>, ty: &'static str) -> Vec<Resource<'m>> {
    read_all(ctx, ty);
    super::s3::companions(ctx, bucket, ty)
}

/// Whether a resource is created: `Some(true)` without `count` and `for_each` or when they make instances,
/// `Some(false)` when they make none (`count = 0`, an empty `for_each`), `None` when they cannot be known. A rule
/// that fires because a companion exists must not fire on a companion that may not be created.
pub fn created(ctx: &TfContext, res: Resource) -> Option<bool> {
    use crate::value::Value;
    if let Some(count) = res.block.attr("count") {
        return match ctx.eval(&count.expr) {
            Value::Number(n) => Some(n > 0.0),
            Value::Bool(b) => Some(b),
            _ => None,
        };
    }
    if let Some(for_each) = res.block.attr("for_each") {
        return match ctx.eval(&for_each.expr) {
            Value::List(items) => Some(!items.is_empty()),
            Value::Map(map) => Some(!map.is_empty()),
            _ => None,
        };
    }
    Some(true)
}
