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

/// Whether a bucket policy allows any principal (`*`) that no condition pins (see
/// [`super::resource_policy::is_public`]).
pub fn is_public_policy(ctx: &CfnContext, policy: CfnResource) -> bool {
    ctx.prop(policy, "PolicyDocument")
        .and_then(|(node, _)| ctx.policy(node))
        .is_some_and(|p| super::resource_policy::public_statements(&p).next().is_some())
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

/// Whether a policy's `Bucket` names `bucket`: `!Ref`/`!GetAtt`/`!Sub` to it, a literal equal to its logical id
/// or its `BucketName`, or a `!Ref` whose name is its `BucketName` (hand-written templates do it).
pub fn names_bucket(ctx: &CfnContext, node: &crate::cloudformation::tree::Node, bucket: CfnResource) -> bool {
    if ctx.refers_to(node, bucket) {
        return true;
    }
    // The same expression as the bucket's name (`!Sub ${AppName}-logs`).
    if ctx.prop(bucket, "BucketName").is_some_and(|(name, _)| same_expression(name, node)) {
        return true;
    }
    let name = ctx.prop(bucket, "BucketName").and_then(|(_, v)| v.as_str().map(str::to_string));
    let literal = ctx.eval(node);
    if let Some(literal) = literal.as_str() {
        return literal == bucket.logical_id || name.as_deref() == Some(literal);
    }
    match node.intrinsic() {
        Some(("Ref", arg)) => arg.as_str().is_some_and(|r| name.as_deref() == Some(r)),
        _ => false,
    }
}

/// The bucket of the template a bucket policy attaches to (see [`names_bucket`]).
pub fn bucket_of<'t>(ctx: &CfnContext<'_, 't>, policy: CfnResource<'t>) -> Option<CfnResource<'t>> {
    let (node, _) = ctx.prop(policy, "Bucket")?;
    ctx.resources(BUCKET).find(|b| names_bucket(ctx, node, *b))
}

/// The bucket policies of the template that attach to `bucket` (see [`names_bucket`]).
pub fn policies_naming<'t>(ctx: &CfnContext<'_, 't>, bucket: CfnResource<'t>) -> Vec<CfnResource<'t>> {
    ctx.resources(POLICY)
        .filter(|p| ctx.prop(*p, "Bucket").is_some_and(|(node, _)| names_bucket(ctx, node, bucket)))
        .collect()
}

/// An `AWS::S3::BucketPolicy` for the bucket of logical id `bucket` that denies requests without TLS.
pub fn deny_insecure_transport_policy(bucket: &str) -> serde_json::Value {
    serde_json::json!({
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": bucket},
            "PolicyDocument": {"Statement": [{
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [{"Fn::GetAtt": format!("{bucket}.Arn")}, {"Fn::Sub": format!("${{{bucket}.Arn}}/*")}],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}
            }]}
        }
    })
}

/// Whether two nodes are the same expression, wherever they are written.
fn same_expression(a: &crate::cloudformation::tree::Node, b: &crate::cloudformation::tree::Node) -> bool {
    use crate::cloudformation::tree::NodeKind;
    match (&a.kind, &b.kind) {
        (NodeKind::List(x), NodeKind::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_expression(p, q))
        }
        (NodeKind::Map(x), NodeKind::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.key == q.key && same_expression(&p.value, &q.value))
        }
        (NodeKind::Unknown, _) | (_, NodeKind::Unknown) => false,
        (x, y) => x == y,
    }
}

/// Whether a policy's `Bucket` may name `bucket` though it cannot be told: an expression whose value is unknown
/// (`!Sub`, `!Join`, `!ImportValue`; not a `!Ref` of an undeclared name), for a bucket whose name is not a known
/// literal.
pub fn may_name_bucket(ctx: &CfnContext, node: &crate::cloudformation::tree::Node, bucket: CfnResource) -> bool {
    if names_bucket(ctx, node, bucket) {
        return true;
    }
    let unresolved = !ctx.eval(node).is_known() && !matches!(node.intrinsic(), Some(("Ref", _)));
    let named = ctx.prop(bucket, "BucketName").is_some_and(|(_, v)| v.as_str().is_some());
    unresolved && !named
}

/// Whether some bucket policy of the template may attach to `bucket` (see [`may_name_bucket`]).
pub fn may_have_policy(ctx: &CfnContext, bucket: CfnResource) -> bool {
    ctx.resources(POLICY).any(|p| ctx.prop(p, "Bucket").is_some_and(|(node, _)| may_name_bucket(ctx, node, bucket)))
}
