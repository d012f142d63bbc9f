use crate::responsibility::Row;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::view::Config;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "s3-acl-grants-write-acp",
    title: "S3 bucket ACL lets another grantee change the bucket's permissions (WRITE_ACP)",
    severity: Severity::High,
    row: Row::DataSharing,
    service: "S3",
    why: "`WRITE_ACP` lets the grantee rewrite the bucket's ACL, that is grant itself or the world full control: \
          an ownership transfer in all but name. `FULL_CONTROL` includes it.",
    aws_side: "S3 applies ACLs unless Object Ownership is `BucketOwnerEnforced` (the default for new buckets since \
               April 2023); leaving ACLs enabled and granting `WRITE_ACP` is the customer's choice.",
    equivalents: Equivalents { checkov: &[], kics: &["64a222aa-7793-4e40-915f-4b302c76e4d4"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ACL grants (`aws_s3_bucket_acl` `access_control_policy.grant`, legacy `grant` blocks of \
               `aws_s3_bucket`) of `WRITE_ACP`, or of `FULL_CONTROL` to a group or to a user other than the \
               owner, to any grantee that is not the bucket owner.",
        fix: "Remove the grant; better, disable ACLs (`object_ownership = \"BucketOwnerEnforced\"`) and grant access \
              with the bucket policy.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_s3_bucket_acl", "aws_s3_bucket"],
            check,
            example: r#"resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      }
      permission = "WRITE_ACP"
    }
    owner {
      id = data.aws_canonical_user_id.current.id
    }
  }
}"#,
            fixed_example: r#"resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs.id
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      }
      permission = "WRITE"
    }
    owner {
      id = data.aws_canonical_user_id.current.id
    }
  }
}"#,
        }),
        cloudformation: None,
    },
};

/// The source text of a field's expression, to compare references (`data.aws_canonical_user_id.current.id`).
fn text<'m>(ctx: &TfContext<'_, 'm>, res: Resource<'m>, config: Config<'m>, name: &str) -> Option<&'m str> {
    let f = config.attr(name)?;
    Some(&ctx.file(res).source[f.expr.range.start..f.expr.range.end])
}

/// Whether the grantee of a grant is the bucket owner: `Some(false)` for groups, emails and other ids, `None`
/// when it cannot be told.
fn is_owner(ctx: &TfContext, res: Resource, grantee: Config, owner: Option<Config>) -> Option<bool> {
    if grantee.attr("uri").is_some() || grantee.attr("email_address").is_some() {
        return Some(false);
    }
    let id = ctx.field(grantee, "id").map(|(_, v)| v);
    let owner_id = owner.and_then(|o| ctx.field(o, "id").map(|(_, v)| v));
    match (id, owner_id) {
        (Some(Value::String(a)), Some(Value::String(b))) => Some(a == b),
        _ => {
            let same = owner.and_then(|o| text(ctx, res, o, "id"));
            match (text(ctx, res, grantee, "id"), same) {
                (Some(a), Some(b)) if a == b => Some(true),
                _ => None,
            }
        }
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_s3_bucket_acl").collect::<Vec<_>>() {
        for acp in ctx.nested(res.config(), "access_control_policy") {
            let owner = ctx.nested(acp, "owner").into_iter().next();
            for grant in ctx.nested(acp, "grant") {
                let Some((field, permission)) = ctx.field(grant, "permission") else { continue };
                let Some(permission) = permission.as_str().map(str::to_ascii_uppercase) else { continue };
                if permission != "WRITE_ACP" && permission != "FULL_CONTROL" {
                    continue;
                }
                let Some(grantee) = ctx.nested(grant, "grantee").into_iter().next() else { continue };
                if is_owner(ctx, res, grantee, owner) != Some(false) {
                    continue;
                }
                let message = format!(
                    "`{}` grants `{permission}` to a grantee other than the owner: it can rewrite the bucket's \
                     permissions",
                    res.address()
                );
                ctx.report(res, field.range, message);
            }
        }
    }
    for bucket in ctx.resources("aws_s3_bucket").collect::<Vec<_>>() {
        for grant in ctx.nested(bucket.config(), "grant") {
            let Some((field, permissions)) = ctx.field(grant, "permissions") else { continue };
            let permissions: Vec<String> =
                permissions.one_or_many().into_iter().filter_map(|p| p.as_str().map(str::to_ascii_uppercase)).collect();
            let Some(permission) = permissions.iter().find(|p| *p == "WRITE_ACP" || *p == "FULL_CONTROL") else {
                continue;
            };
            let other = grant.attr("uri").is_some()
                || ctx.field(grant, "type").is_some_and(|(_, t)| t.as_str() == Some("Group"));
            if !other {
                continue;
            }
            let message = format!(
                "`{}` grants `{permission}` to a group: its members can rewrite the bucket's permissions",
                bucket.address()
            );
            ctx.report(bucket, field.range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kit::testing::lines;

    #[test]
    fn flags_write_acp_to_others() {
        let tf = r#"resource "aws_s3_bucket_acl" "two_grants" {
  bucket = "b"
  access_control_policy {
    grant {
      grantee {
        id   = data.aws_canonical_user_id.current.id
        type = "CanonicalUser"
      }
      permission = "READ"
    }
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      }
      permission = "WRITE_ACP"
    }
    grant {
      grantee {
        id   = data.aws_canonical_user_id.current.id
        type = "CanonicalUser"
      }
      permission = "FULL_CONTROL"
    }
    owner {
      id = data.aws_canonical_user_id.current.id
    }
  }
}
resource "aws_s3_bucket_acl" "read_acp" {
  bucket = "b"
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      }
      permission = "READ_ACP"
    }
    grant {
      grantee {
        id   = var.partner
        type = "CanonicalUser"
      }
      permission = "WRITE_ACP"
    }
    owner {
      id = data.aws_canonical_user_id.current.id
    }
  }
}
resource "aws_s3_bucket" "legacy" {
  grant {
    type        = "Group"
    permissions = ["READ_ACP", "WRITE_ACP"]
    uri         = "http://acs.amazonaws.com/groups/s3/LogDelivery"
  }
}
"#;
        assert_eq!(lines(&RULE, tf), [16, 55]);
    }
}
