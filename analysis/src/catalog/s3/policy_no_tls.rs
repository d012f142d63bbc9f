use crate::cloudformation::check::CfnContext;
use crate::fix::{indentation_at, line_ending, Edit, Fix};
use crate::kit::s3::{self, PolicySite, BUCKET};
use crate::kit::s3_cfn;
use crate::policy::Policy;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::TfContext;
use crate::terraform::edit;
use crate::terraform::model::{ExprKind, Step};
use crate::text::TextRange;

pub static RULE: Rule = Rule {
    id: "s3-bucket-policy-no-tls",
    title: "S3 bucket policy does not deny plain-HTTP requests",
    severity: Severity::Medium,
    row: Row::ManagedServiceConfig,
    service: "S3",
    why: "S3 answers plain-HTTP requests unless a bucket policy refuses them. Objects and the credentials' \
          signed requests then cross the network unencrypted, where they can be read or tampered with.",
    aws_side: "AWS serves every S3 endpoint over both HTTP and HTTPS and encrypts the transport only when the \
               client uses HTTPS. Refusing plain HTTP is the customer's duty, written in the bucket policy.",
    equivalents: Equivalents { checkov: &[], kics: &[], trivy: &[] },
    related: Related {
        checkov: &["CKV_AWS_379"],
        kics: &["4bc4dd4c-7d8d-405e-a0fb-57fa4c31b4d9", "38c64e76-c71e-4d92-a337-60174d1de1c9"],
        trivy: &[],
        how: "Checkov's CKV_AWS_379 runs only on an `aws_s3_bucket_acl` that grants public access no public access \
              block stops, and then looks for a SecureTransport statement in the bucket's policy; this rule judges \
              every bucket policy. KICS's Terraform S3 Bucket Policy Accepts HTTP Requests (4bc4dd4c) passes a \
              policy in which any one statement on `*`, `s3:*` or `s3:GetObject` denies `aws:SecureTransport = \
              false` or allows under `aws:SecureTransport = true`, so it passes a policy whose other `Allow` \
              statements accept HTTP, which this rule flags. KICS's CloudFormation S3 Bucket Without SSL In Write \
              Actions (38c64e76) passes a policy with any `Allow` statement on `s3:*` or `s3:PutObject` whose \
              condition does not say `aws:SecureTransport: false`, which this rule flags, and counts a `Deny` only \
              on exactly `s3:*` or `s3:PutObject`, where this rule also counts `*` and `s3:Put*`.",
    },
    matcher: &Custom {
        what: "Flags bucket policies (`aws_s3_bucket_policy`, the legacy `aws_s3_bucket.policy`, the s3-bucket \
               module's `policy`) without a `Deny` statement on `aws:SecureTransport = false`, unless every `Allow` \
               statement itself requires `aws:SecureTransport = true`; in CloudFormation, buckets that no attached \
               `AWS::S3::BucketPolicy` protects that way (the `Deny` must cover writes), buckets without a policy \
               included.",
        fix: "Add a statement that denies `s3:*` to `*` when `aws:SecureTransport` is `false`; with the s3-bucket \
              module, set `attach_deny_insecure_transport_policy = true`.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket_policy", "aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}

data "aws_iam_policy_document" "data" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket_policy" "data" {
  bucket = aws_s3_bucket.data.id
  policy = data.aws_iam_policy_document.data.json
}

data "aws_iam_policy_document" "data" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::S3::Bucket", "AWS::S3::BucketPolicy"],
            check: check_cfn,
            example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
"#,
            fixed_example: r#"Resources:
  Data:
    Type: AWS::S3::Bucket
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Statement:
          - Sid: DenyInsecureTransport
            Effect: Deny
            Principal: '*'
            Action: s3:*
            Resource:
              - !GetAtt Data.Arn
              - !Sub ${Data.Arn}/*
            Condition:
              Bool:
                aws:SecureTransport: 'false'
"#,
        }),
    },
};

fn values_include(s: &crate::policy::Statement, value: &str) -> bool {
    s.has_condition("bool", "aws:securetransport")
        && s.condition_values("aws:SecureTransport").any(|v| v.eq_ignore_ascii_case(value))
}

/// Whether the policy refuses plain HTTP: a `Deny` on `aws:SecureTransport = false`, or every `Allow`
/// requires `aws:SecureTransport = true`.
fn requires_tls(policy: &Policy) -> bool {
    if policy.statements.iter().any(|s| !s.allow && values_include(s, "false")) {
        return true;
    }
    let mut allows = policy.statements.iter().filter(|s| s.allow).peekable();
    allows.peek().is_some() && allows.all(|s| values_include(s, "true"))
}

/// The ARN of the bucket a policy applies to, as text usable inside a quoted string: an interpolation of the
/// bucket resource's `arn`, or the ARN of a literal bucket name.
fn bucket_arn(ctx: &TfContext, site: &PolicySite) -> Option<String> {
    let bucket = site.res.block.attr("bucket")?;
    if site.res.ty() != BUCKET {
        if let ExprKind::Traversal(root, steps) = &bucket.expr.kind {
            if let (BUCKET, Some(Step::Attr(name))) = (root.as_str(), steps.first()) {
                return Some(format!("${{{BUCKET}.{name}.arn}}"));
            }
        }
    }
    let name = ctx.eval(&bucket.expr);
    let name = name.as_str().filter(|n| !n.is_empty() && !n.contains(['$', '%', '"', '\\']))?;
    Some(format!("arn:aws:s3:::{name}"))
}

const HCL_STATEMENT: &str = r#"statement {
  sid       = "DenyInsecureTransport"
  effect    = "Deny"
  actions   = ["s3:*"]
  resources = ["ARN", "ARN/*"]
  principals {
    type        = "*"
    identifiers = ["*"]
  }
  condition {
    test     = "Bool"
    variable = "aws:SecureTransport"
    values   = ["false"]
  }
}"#;

const JSON_STATEMENT: &str = r#"{
  "Sid": "DenyInsecureTransport",
  "Effect": "Deny",
  "Principal": "*",
  "Action": "s3:*",
  "Resource": ["ARN", "ARN/*"],
  "Condition": {"Bool": {"aws:SecureTransport": "false"}}
}"#;

/// A fix that adds the deny statement to the policy, where it is written in a way onus can edit: a policy
/// document data source in the same file, or a heredoc of JSON.
fn add_statement_fix(ctx: &TfContext, site: &PolicySite) -> Option<Fix> {
    let arn = bucket_arn(ctx, site)?;
    let file = ctx.file(site.res);
    let expr = &site.attr.expr;
    if let ExprKind::Traversal(root, steps) = &expr.kind {
        let [Step::Attr(ty), Step::Attr(name), ..] = steps.as_slice() else { return None };
        if root != "data" || ty != "aws_iam_policy_document" {
            return None;
        }
        let address = format!("data.aws_iam_policy_document.{name}");
        let doc = ctx.at_address(&address).into_iter().find(|d| d.file == site.res.file)?;
        let text = HCL_STATEMENT.replace("ARN", &arn);
        let edit = edit::insert_in_block(file, doc.block, &text);
        return Some(Fix::new("Deny requests that do not use TLS", vec![edit]));
    }
    // A heredoc: insert a JSON statement at the start of the `Statement` list.
    let src = &file.source;
    let text = src.get(expr.range.start..expr.range.end)?;
    if !text.starts_with("<<") {
        return None;
    }
    let key = text.find("\"Statement\"")?;
    let after_key = &text[key + "\"Statement\"".len()..];
    let colon = after_key.find(|c: char| !c.is_whitespace())?;
    if !after_key[colon..].starts_with(':') {
        return None;
    }
    let after_colon = &after_key[colon + 1..];
    let bracket = after_colon.find(|c: char| !c.is_whitespace())?;
    if !after_colon[bracket..].starts_with('[') {
        return None;
    }
    let at = expr.range.start + key + "\"Statement\"".len() + colon + 1 + bracket + 1;
    let rest = src[at..].trim_start();
    let eol = line_ending(src);
    let indent = format!("{}    ", indentation_at(src, expr.range.start + key));
    let statement: Vec<String> = JSON_STATEMENT.replace("ARN", &arn).lines().map(|l| format!("{indent}{l}")).collect();
    let comma = if rest.starts_with(']') { "" } else { "," };
    let insert = format!("{eol}{}{comma}", statement.join(eol));
    Some(Fix::new("Deny requests that do not use TLS", vec![Edit { range: TextRange::empty(at), text: insert }]))
}

/// Whether an action covers object writes (`s3:PutObject`, `s3:Put*`, `s3:*`, `*`).
fn covers_writes(action: &str) -> bool {
    crate::kit::iam::action_matches(action, "s3:PutObject")
}

/// Whether a template's policy refuses plain-HTTP writes: a `Deny` of writes on `aws:SecureTransport = false`, or
/// every `Allow` requires `aws:SecureTransport = true`.
fn cfn_requires_tls(policy: &Policy) -> bool {
    let deny = policy
        .statements
        .iter()
        .any(|s| !s.allow && values_include(s, "false") && s.actions.iter().any(|a| covers_writes(a)));
    let mut allows = policy.statements.iter().filter(|s| s.allow).peekable();
    deny || (allows.peek().is_some() && allows.all(|s| values_include(s, "true")))
}

/// Reported on the bucket (buckets without any policy included): whether the policies attached to it refuse
/// plain-HTTP writes.
fn check_cfn(ctx: &mut CfnContext) {
    for bucket in ctx.resources(s3_cfn::BUCKET).collect::<Vec<_>>() {
        let policies = s3_cfn::policies_naming(ctx, bucket);
        let mut unknown = false;
        let mut tls = false;
        for p in &policies {
            match ctx.prop(*p, "PolicyDocument").and_then(|(node, _)| ctx.policy(node)) {
                Some(policy) => tls |= cfn_requires_tls(&policy),
                None => unknown = true,
            }
        }
        if tls || unknown || (policies.is_empty() && s3_cfn::may_have_policy(ctx, bucket)) {
            continue;
        }
        let id = bucket.logical_id;
        let range = ctx.header(bucket);
        let message = if policies.is_empty() {
            format!("`{id}` has no bucket policy denying plain-HTTP requests (`aws:SecureTransport = false`)")
        } else {
            format!(
                "`{id}`'s bucket policy does not deny plain-HTTP writes (no `Deny` on `aws:SecureTransport = false`)"
            )
        };
        let fix = policies
            .is_empty()
            .then(|| {
                crate::kit::setting::add_cfn_resource(
                    ctx,
                    &format!("{id}Policy"),
                    &s3_cfn::deny_insecure_transport_policy(id),
                )
            })
            .flatten()
            .map(|e| Fix::unsafe_("Deny requests that do not use TLS", vec![e]));
        ctx.report(bucket, range, message).fixes.extend(fix);
    }
}

fn check(ctx: &mut TfContext) {
    for site in s3::policy_sites(ctx) {
        let module = site.res.is_module();
        if module
            && ctx
                .attr(site.res.block, "attach_deny_insecure_transport_policy")
                .is_some_and(|(_, v)| v.as_bool() != Some(false))
        {
            continue;
        }
        let Some(policy) = ctx.policy(&site.attr.expr) else { continue };
        if requires_tls(&policy) {
            continue;
        }
        let fix = if module {
            let file = ctx.file(site.res);
            Some(Fix::new(
                "Attach the module's deny-insecure-transport policy",
                vec![edit::set_attribute(file, site.res.block, "attach_deny_insecure_transport_policy", "true")],
            ))
        } else {
            add_statement_fix(ctx, &site)
        };
        let message = format!(
            "`{}` has a bucket policy that does not deny plain-HTTP requests (no `Deny` on `aws:SecureTransport = false`)",
            site.res.address()
        );
        ctx.report(site.res, site.attr.range, message).fixes.extend(fix);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_policies_that_accept_http() {
        let tf = r#"resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_s3_bucket_policy" "b" {
  bucket = aws_s3_bucket.b.id
  policy = <<EOF
{
  "Statement": [
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:*",
      "Resource": "*",
      "Condition": {"IpAddress": {"aws:SourceIp": "8.8.8.8/32"}}
    }
  ]
}
EOF
}
data "aws_iam_policy_document" "d" {
  statement {
    effect = "Deny"
    actions = ["s3:*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["true"]
    }
  }
}
resource "aws_s3_bucket" "c" {
  bucket = "c"
  policy = data.aws_iam_policy_document.d.json
}
module "m" {
  source = "terraform-aws-modules/s3-bucket/aws"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*",
    Condition = { Bool = { "aws:SecureTransport" = "false" } } }] })
}
"#;
        assert_eq!(lines(&RULE, tf), [6, 33, 37]);
        assert_eq!(check_fixes(&RULE, tf), 3);
    }

    #[test]
    fn tls_policies_and_unknowns_are_not_flagged() {
        let tf = r#"resource "aws_s3_bucket_policy" "a" {
  bucket = "x"
  policy = jsonencode({ Statement = [
    { Effect = "Deny", Principal = "*", Action = "s3:*", Condition = { Bool = { "aws:SecureTransport" = "false" } } },
  ] })
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "x"
  policy = jsonencode({ Statement = [
    { Effect = "Allow", Principal = "*", Action = "s3:GetObject",
      Condition = { Bool = { "aws:SecureTransport" = "true" } } },
  ] })
}
resource "aws_s3_bucket_policy" "c" {
  bucket = "x"
  policy = file("p.json")
}
module "m" {
  source                                = "terraform-aws-modules/s3-bucket/aws"
  attach_deny_insecure_transport_policy = true
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:*" }] })
}
resource "aws_s3_bucket" "none" {
  bucket = "n"
}
"#;
        assert!(lines(&RULE, tf).is_empty());
    }

    #[test]
    fn cloudformation_buckets_whose_policies_accept_http() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  WrongValue:
    Type: AWS::S3::Bucket
  WrongValuePolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref WrongValue
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: '*', Action: 's3:PutObject', Condition: {Bool: {'aws:SecureTransport': true}}}
  Denied:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: denied
  DeniedPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: denied
      PolicyDocument:
        Statement:
            Effect: Deny
            Principal: '*'
            Action: 's3:*'
            Condition: {Bool: {'aws:SecureTransport': false}}
  NoPolicy:
    Type: AWS::S3::Bucket
  AllowsOnlyTls:
    Type: AWS::S3::Bucket
  AllowsOnlyTlsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref AllowsOnlyTls
      PolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: 's3:*', Condition: {Bool: {'aws:SecureTransport': true}}}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 25]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 1);
    }
}
