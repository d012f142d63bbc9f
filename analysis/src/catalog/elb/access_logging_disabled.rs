use crate::cloudformation::check::CfnContext;
use crate::cloudformation::edit as cfn_edit;
use crate::fix::{Edit, Fix};
use crate::kit::elb::{cfn_lb_type_is, cfn_require_lb_attribute};
use crate::responsibility::Row;
use crate::rule::CfnMatcher;
use crate::rule::{Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{is_registry_module, Resource, TfContext};
use crate::terraform::edit;

pub static RULE: Rule = Rule {
    id: "elb-access-logging-disabled",
    title: "Load balancer access logs are off",
    severity: Severity::Low,
    row: Row::Compliance,
    service: "ELB",
    why: "Access logs are the only record of every request the load balancer received: client IPs, paths, \
          status codes, TLS versions. Without them an intrusion, a scraping campaign or an abusive client \
          cannot be investigated, and audits (PCI DSS 10, SOC 2) cannot show request logging.",
    aws_side: "AWS can write access logs to S3 for every request, but writes none until the customer turns \
               logging on and provides a bucket. Enabling, retaining and reviewing them is the customer's duty.",
    equivalents: Equivalents {
        checkov: &["CKV_AWS_92", "CKV_AWS_91"],
        kics: &[
            "20018359-6fd7-4d05-ab26-d4dffccbdf79",
            "ee12ad32-2863-4c0f-b13f-28272d115028",
            "c62e8b7d-1fdf-4050-ac4c-76ba9e1d9621",
        ],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags classic `aws_elb` resources without `access_logs` or with `enabled = false` in it; `aws_lb` / \
               `aws_alb` (application and network) without an `access_logs` block whose `enabled = true` (it \
               defaults to false there, even with a bucket); and elb/alb registry module calls without \
               `access_logs` or with `enabled = false`.",
        fix: "Add `access_logs { bucket = <log bucket>  enabled = true }` (the bucket policy must let the regional \
              ELB account write to it).",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_elb", "aws_lb", "aws_alb"],
            check,
            example: r#"resource "aws_lb" "web" {
  name    = "web"
  subnets = var.public_subnets

  access_logs {
    bucket = aws_s3_bucket.lb_logs.id
  }
}"#,
            fixed_example: r#"resource "aws_lb" "web" {
  name    = "web"
  subnets = var.public_subnets

  access_logs {
    bucket  = aws_s3_bucket.lb_logs.id
    enabled = true
  }
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer", "AWS::ElasticLoadBalancing::LoadBalancer"],
            check: check_cfn,
            example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
      LoadBalancerAttributes:
        - Key: access_logs.s3.enabled
          Value: 'false'
"#,
            fixed_example: r#"Resources:
  Web:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [subnet-1, subnet-2]
      LoadBalancerAttributes:
        - Key: access_logs.s3.enabled
          Value: 'true'
        - Key: access_logs.s3.bucket
          Value: my-lb-logs
"#,
        }),
    },
};

/// v2 load balancers (not gateway) without `access_logs.s3.enabled: true`; classic ones without
/// `AccessLoggingPolicy` or with `Enabled: false` in it.
fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ElasticLoadBalancingV2::LoadBalancer").collect::<Vec<_>>() {
        if cfn_lb_type_is(ctx, res, "gateway") != Some(false) {
            continue;
        }
        cfn_require_lb_attribute(
            ctx,
            res,
            "access_logs.s3.enabled",
            &[("access_logs.s3.bucket", "TODO-your-log-bucket")],
            "does not turn on `access_logs.s3.enabled`, so requests are not logged",
            "Turn access logs on (choose the bucket)",
            false,
        );
    }
    for res in ctx.resources("AWS::ElasticLoadBalancing::LoadBalancer").collect::<Vec<_>>() {
        let Some((policy, _)) = ctx.prop(res, "AccessLoggingPolicy") else {
            let value =
                serde_json::json!({"Enabled": true, "S3BucketName": "TODO-your-log-bucket", "EmitInterval": 60});
            let edit = cfn_edit::set_property(ctx.template, res, "AccessLoggingPolicy", &value);
            let fix = Fix::unsafe_("Turn access logs on (choose the bucket)", vec![edit]);
            let range = ctx.header(res);
            let message = format!("`{}` has no `AccessLoggingPolicy`, so requests are not logged", res.logical_id);
            ctx.report(res, range, message).fixes.push(fix);
            continue;
        };
        // Also read a policy mistakenly written as a one-item list.
        let maps: Vec<_> = if policy.items().is_empty() { vec![policy] } else { policy.items().iter().collect() };
        for map in maps {
            let Some(entry) = map.entry("Enabled") else { continue };
            if ctx.eval(&entry.value).as_bool() != Some(false) {
                continue;
            }
            let edit = cfn_edit::replace_value(ctx.template, &entry.value, &serde_json::json!(true));
            let fix = Fix::new("Turn access logs on", vec![edit]);
            let message = format!("`{}` turns access logs off", res.logical_id);
            ctx.report(res, entry.range, message).fixes.push(fix);
        }
    }
}

fn check(ctx: &mut TfContext) {
    // `enabled` inside `access_logs` defaults to true for classic ELBs and the modules, false for ELBv2.
    let mut targets: Vec<(Resource, bool)> = ctx.resources("aws_elb").map(|r| (r, true)).collect();
    for ty in ["aws_lb", "aws_alb"] {
        for res in ctx.resources(ty) {
            let gateway = ctx.attr(res.block, "load_balancer_type").is_some_and(|(_, v)| v.as_str() == Some("gateway"));
            if !gateway {
                targets.push((res, false));
            }
        }
    }
    let modules: Vec<(Resource, bool)> = ctx
        .blocks("module")
        .filter(|r| is_registry_module(r.block, "elb") || is_registry_module(r.block, "alb"))
        .map(|r| (r, true))
        .collect();
    targets.extend(modules);
    for (res, enabled_by_default) in targets {
        let file = ctx.file(res);
        let logs = ctx.nested(res.config(), "access_logs").into_iter().next();
        let Some(logs) = logs else {
            let fix = (!res.is_module()).then(|| {
                Fix::unsafe_(
                    "Turn access logs on (choose the bucket)",
                    vec![edit::insert_in_block(
                        file,
                        res.block,
                        "access_logs {\n  bucket  = aws_s3_bucket.lb_logs.id # TODO: your log bucket\n  enabled = true\n}",
                    )],
                )
            });
            let message = format!("`{}` has no `access_logs`, so requests are not logged", res.address());
            ctx.report(res, res.block.header, message).fixes.extend(fix);
            continue;
        };
        match logs.attr("enabled") {
            None if enabled_by_default => {}
            None => {
                let fix = logs
                    .block()
                    .map(|b| Fix::new("Turn access logs on", vec![edit::set_attribute(file, b, "enabled", "true")]));
                let message = format!(
                    "`{}` has `access_logs` without `enabled = true`, so requests are not logged",
                    res.address()
                );
                ctx.report(res, logs.header(), message).fixes.extend(fix);
            }
            Some(field) => {
                if ctx.value(field).as_bool() != Some(false) {
                    continue;
                }
                let fix = Fix::new("Turn access logs on", vec![Edit { range: field.expr.range, text: "true".into() }]);
                ctx.report_with_fix(res, field.range, format!("`{}` turns access logs off", res.address()), fix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{check_fixes, lines};

    #[test]
    fn flags_missing_and_disabled_logs() {
        let text = r#"resource "aws_elb" "a" {
  access_logs {
    bucket  = "foo"
    enabled = false
  }
}
resource "aws_elb" "b" {
  name = "b"
}
resource "aws_lb" "c" {
  access_logs {
    bucket = "foo"
  }
}
module "elb" {
  source = "terraform-aws-modules/elb/aws"
  access_logs = {
    bucket  = "foo"
    enabled = false
  }
}
"#;
        assert_eq!(lines(&RULE, text), vec![4, 7, 11, 19]);
        assert_eq!(check_fixes(&RULE, text), 4);
    }

    #[test]
    fn ignores_enabled_defaults_and_unknowns() {
        let text = r#"resource "aws_elb" "a" {
  access_logs {
    bucket = "foo"
  }
}
resource "aws_lb" "b" {
  access_logs {
    bucket  = "foo"
    enabled = true
  }
}
resource "aws_lb" "c" {
  access_logs {
    bucket  = "foo"
    enabled = var.on
  }
}
resource "aws_lb" "gw" {
  load_balancer_type = "gateway"
}
module "elb" {
  source      = "terraform-aws-modules/elb/aws"
  access_logs = { bucket = "foo" }
}
"#;
        assert!(lines(&RULE, text).is_empty());
    }

    #[test]
    fn cloudformation_v1_and_v2() {
        use crate::kit::testing::{cfn_lines, check_cfn_fixes};
        let yaml = r#"Resources:
  A:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Subnets: [a, b]
  B:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - Key: access_logs.s3.enabled
          Value: false
  C:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: gateway
  D:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      AccessLoggingPolicy:
        Enabled: false
        S3BucketName: logs
  E:
    Type: AWS::ElasticLoadBalancing::LoadBalancer
    Properties:
      Listeners: []
  F:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      LoadBalancerAttributes:
        - {Key: access_logs.s3.enabled, Value: !Ref On}
"#;
        assert_eq!(cfn_lines(&RULE, yaml), [2, 11, 20, 22]);
        assert_eq!(check_cfn_fixes(&RULE, yaml), 4);
    }
}
