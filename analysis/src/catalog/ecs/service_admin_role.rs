use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::refs::{cfn_named, reference, RefKind};
use crate::policy::{is_full_wildcard, Policy};
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::ExprKind;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "ecs-service-admin-role",
    title: "ECS service uses an administrator IAM role",
    severity: Severity::High,
    row: Row::AccessRestriction,
    service: "ECS",
    why: "The service role is what ECS uses to register tasks with load balancers; an administrator role there \
          means that anyone who can update the service, or abuse ECS on its behalf, acts with full account rights.",
    aws_side: "AWS's service-linked role for ECS has exactly the permissions needed. Substituting a broader role is \
               the customer's mistake.",
    equivalents: Equivalents {
        checkov: &[],
        kics: &["3206240f-2e87-4e58-8d24-3e19e7c83d7c", "01986452-bdd8-4aaa-b5df-d6bf61d616ff"],
        trivy: &[],
    },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags ECS services (`aws_ecs_service`, `AWS::ECS::Service`) whose service role (`iam_role`, `Role`) \
               is named as an administrator role (a name containing `admin`), or is a role of the configuration \
               with `AdministratorAccess` attached or an inline policy allowing every action on every resource.",
        fix: "Remove `iam_role` (`Role`): ECS then uses its service-linked role, which has exactly the permissions \
              it needs.",
        has_fix: true,
        terraform: Some(TfMatcher {
            resource_types: &["aws_ecs_service"],
            check,
            example: r#"resource "aws_ecs_service" "api" {
  name     = "api"
  cluster  = aws_ecs_cluster.main.id
  iam_role = "ecsAdminRole"
}"#,
            fixed_example: r#"resource "aws_ecs_service" "api" {
  name    = "api"
  cluster = aws_ecs_cluster.main.id
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::ECS::Service"],
            check: check_cfn,
            example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Main
      Role: AdminRole
"#,
            fixed_example: r#"Resources:
  Api:
    Type: AWS::ECS::Service
    Properties:
      Cluster: !Ref Main
"#,
        }),
    },
};

const FIX: &str = "Let ECS use its service-linked role";
const ADMIN_POLICY: &str = "arn:aws:iam::aws:policy/AdministratorAccess";

fn allows_everything(policy: &Policy) -> bool {
    policy
        .statements
        .iter()
        .any(|s| s.allow && s.actions.iter().any(|a| is_full_wildcard(a)) && s.resources.iter().any(|r| r == "*"))
}

/// Whether a role of the configuration has administrator rights.
fn is_admin_role(ctx: &TfContext, role: Resource) -> bool {
    let managed = ctx
        .attr(role.block, "managed_policy_arns")
        .is_some_and(|(_, v)| v.one_or_many().iter().any(|p| p.as_str() == Some(ADMIN_POLICY)));
    let attached = ctx.all_resources("aws_iam_role_policy_attachment").any(|a| {
        a.block.attr("role").is_some_and(|r| ctx.refers_to(&r.expr, role, &["name"]))
            && ctx.attr(a.block, "policy_arn").is_some_and(|(_, v)| v.as_str() == Some(ADMIN_POLICY))
    });
    let inline = ctx
        .blocks_of(role.block, "inline_policy")
        .into_iter()
        .any(|p| p.attr("policy").and_then(|a| ctx.policy(&a.expr)).is_some_and(|p| allows_everything(&p)))
        || ctx.all_resources("aws_iam_role_policy").any(|p| {
            p.block.attr("role").is_some_and(|r| ctx.refers_to(&r.expr, role, &["name"]))
                && p.block.attr("policy").and_then(|a| ctx.policy(&a.expr)).is_some_and(|p| allows_everything(&p))
        });
    managed || attached || inline
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_ecs_service").collect::<Vec<_>>() {
        let Some(attr) = res.block.attr("iam_role") else { continue };
        let admin = match reference(&attr.expr) {
            Some(r) if r.kind == RefKind::Resource && r.ty == "aws_iam_role" => {
                r.targets(ctx).iter().any(|role| is_admin_role(ctx, *role))
            }
            Some(_) => false,
            None => {
                matches!(attr.expr.kind, ExprKind::Template(_))
                    && ctx.eval(&attr.expr).as_str().is_some_and(|s| s.to_ascii_lowercase().contains("admin"))
            }
        };
        if admin {
            let message = format!(
                "`{}` gives ECS an administrator role: whoever can update the service acts with full rights",
                res.address()
            );
            let edit = crate::kit::ec2::delete_lines(&ctx.file(res).source, attr.range);
            ctx.report_with_fix(res, attr.range, message, crate::fix::Fix::unsafe_(FIX, vec![edit]));
        }
    }
}

fn cfn_is_admin_role(ctx: &CfnContext, role: CfnResource) -> bool {
    let managed = ctx
        .prop(role, "ManagedPolicyArns")
        .is_some_and(|(_, v)| v.one_or_many().iter().any(|p| p.as_str() == Some(ADMIN_POLICY)));
    let inline = ctx.prop(role, "Policies").is_some_and(|(node, _)| {
        node.items()
            .iter()
            .any(|p| p.get("PolicyDocument").and_then(|d| ctx.policy(d)).is_some_and(|p| allows_everything(&p)))
    });
    managed || inline
}

fn check_cfn(ctx: &mut CfnContext) {
    for res in ctx.resources("AWS::ECS::Service").collect::<Vec<_>>() {
        let Some((node, value)) = ctx.prop(res, "Role") else { continue };
        let admin = match cfn_named(ctx, node) {
            Some(role) if role.ty == "AWS::IAM::Role" => cfn_is_admin_role(ctx, role),
            Some(_) => false,
            None => match value {
                Value::String(s) => s.to_ascii_lowercase().contains("admin"),
                _ => false,
            },
        };
        if admin {
            let message = format!(
                "`{}` gives ECS an administrator role: whoever can update the service acts with full rights",
                res.logical_id
            );
            let range = ctx.prop_range(res, "Role").unwrap_or(node.range);
            let fix =
                res.properties.and_then(|p| crate::kit::setting::remove_cfn_entry(ctx.template, p, p.entry("Role")?));
            ctx.report(res, range, message).fixes.extend(fix.map(|e| crate::fix::Fix::unsafe_(FIX, vec![e])));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn flags_administrator_service_roles() {
        let tf = r#"resource "aws_ecs_service" "named" {
  iam_role = "admin"
}
resource "aws_ecs_service" "attached" {
  iam_role = aws_iam_role.svc.arn
}
resource "aws_iam_role" "svc" {
  name = "svc"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.svc.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
resource "aws_ecs_service" "narrow" {
  iam_role = aws_iam_role.narrow.arn
}
resource "aws_iam_role" "narrow" {
  name = "narrow"
}
resource "aws_ecs_service" "default" {
  name = "d"
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        assert_eq!(crate::kit::testing::check_fixes(&RULE, tf), 2);
    }

    #[test]
    fn cloudformation_service_roles() {
        let yaml = "Resources:\n  A:\n    Type: AWS::ECS::Service\n    Properties:\n      Role: AdminRole\n  B:\n    Type: AWS::ECS::Service\n    Properties:\n      Role: Role\n  C:\n    Type: AWS::ECS::Service\n    Properties:\n      Role: !Ref Wide\n  Wide:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n        - PolicyName: all\n          PolicyDocument:\n            Statement:\n              - {Effect: Allow, Action: '*', Resource: '*'}\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 13]);
        assert_eq!(crate::kit::testing::check_cfn_fixes(&RULE, yaml), 2);
    }
}
