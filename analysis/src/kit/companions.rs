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
