//! What the S3 rules share in CloudFormation: buckets, their policies (`AWS::S3::BucketPolicy` naming the
//! bucket with `!Ref`), and whether a bucket is opened by an ACL or a policy.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;

pub const BUCKET: &str = "AWS::S3::Bucket";
pub const POLICY: &str = "AWS::S3::BucketPolicy";

/// The canned ACLs of `AccessControl` that open a bucket.
pub const PUBLIC_ACLS: [&str; 3] = ["PublicRead", "PublicReadWrite", "AuthenticatedRead"];

/// Whether the bucket's `AccessControl` is a public canned ACL.
pub fn has_public_acl(ctx: &CfnContext, bucket: CfnResource) -> bool {
    ctx.prop(bucket, "AccessControl").is_some_and(|(_, v)| v.as_str().is_some_and(|a| PUBLIC_ACLS.contains(&a)))
}

/// The bucket policies whose `Bucket` refers to `bucket`.
pub fn policies_of<'t>(ctx: &CfnContext<'_, 't>, bucket: CfnResource<'t>) -> Vec<CfnResource<'t>> {
    ctx.resources(POLICY)
        .filter(|p| p.properties.and_then(|props| props.get("Bucket")).is_some_and(|b| ctx.refers_to(b, bucket)))
        .collect()
}

/// Whether a bucket policy allows any principal (`*`).
pub fn is_public_policy(ctx: &CfnContext, policy: CfnResource) -> bool {
    ctx.prop(policy, "PolicyDocument")
        .and_then(|(node, _)| ctx.policy(node))
        .is_some_and(|p| super::s3::public_statements(&p).next().is_some())
}

/// Whether a bucket policy of the template that names the bucket allows any principal.
pub fn has_public_policy(ctx: &CfnContext, bucket: CfnResource) -> bool {
    policies_of(ctx, bucket).into_iter().any(|p| is_public_policy(ctx, p))
}

/// The logical ids of the buckets that receive other buckets' access logs (`!Ref` in
/// `LoggingConfiguration.DestinationBucketName`).
pub fn log_targets<'t>(ctx: &CfnContext<'_, 't>) -> Vec<&'t str> {
    let buckets: Vec<CfnResource<'t>> = ctx.resources(BUCKET).collect();
    let mut out = Vec::new();
    for b in &buckets {
        let Some((dest, _)) = ctx.prop(*b, "LoggingConfiguration.DestinationBucketName") else { continue };
        out.extend(buckets.iter().filter(|t| ctx.refers_to(dest, **t)).map(|t| t.logical_id));
    }
    out
}
