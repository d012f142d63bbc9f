use crate::cloudformation::check::CfnContext;
use crate::cloudformation::CfnResource;
use crate::kit::apigateway::cfn_designation;
use crate::responsibility::Row;
use crate::rule::{CfnMatcher, Custom, Equivalents, Related, Rule, Severity, TfMatcher};
use crate::terraform::check::{Resource, TfContext};
use crate::terraform::model::ExprKind;
use crate::value::Value;

pub static RULE: Rule = Rule {
    id: "lambda-functions-share-role",
    title: "Several Lambda functions share one execution role",
    severity: Severity::Low,
    row: Row::AccessRestriction,
    service: "Lambda",
    why: "A shared role carries the union of every function's permissions, so compromising the least important \
          function grants the others' access.",
    aws_side: "Lambda assumes whichever role the customer names.",
    equivalents: Equivalents { checkov: &[], kics: &["ae03f542-1423-402f-9cef-c834e7ee9583"], trivy: &[] },
    related: Related::NONE,
    matcher: &Custom {
        what: "Flags every `aws_lambda_function` of a module whose `role` is also the role of another function (the \
               same ARN, or a reference to the same role); in CloudFormation, `AWS::Lambda::Function` and \
               `AWS::Serverless::Function` whose `Role` is another function's.",
        fix: "Give each function its own role with only the permissions that function needs.",
        has_fix: false,
        terraform: Some(TfMatcher {
            resource_types: &["aws_lambda_function"],
            check,
            example: r#"resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  role          = aws_iam_role.lambda.arn
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = aws_iam_role.lambda.arn
}"#,
            fixed_example: r#"resource "aws_lambda_function" "ingest" {
  function_name = "ingest"
  role          = aws_iam_role.ingest.arn
}

resource "aws_lambda_function" "report" {
  function_name = "report"
  role          = aws_iam_role.report.arn
}"#,
        }),
        cloudformation: Some(CfnMatcher {
            resource_types: &["AWS::Lambda::Function", "AWS::Serverless::Function"],
            check: check_cfn,
            example: r#"Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt LambdaRole.Arn
  Report:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt LambdaRole.Arn
"#,
            fixed_example: r#"Resources:
  Ingest:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt IngestRole.Arn
  Report:
    Type: AWS::Lambda::Function
    Properties:
      Role: !GetAtt ReportRole.Arn
"#,
        }),
    },
};

/// What a function's `role` designates: the role resource it references, or its ARN (`None`: unknown).
fn tf_role(ctx: &TfContext, res: Resource) -> Option<String> {
    let attr = res.block.attr("role")?;
    if let ExprKind::Traversal(root, steps) = &attr.expr.kind {
        if root == "aws_iam_role" {
            if let Some(crate::terraform::model::Step::Attr(name)) = steps.first() {
                return Some(format!("aws_iam_role.{name}"));
            }
        }
    }
    match ctx.eval(&attr.expr) {
        Value::String(s) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn check(ctx: &mut TfContext) {
    for res in ctx.resources("aws_lambda_function").collect::<Vec<_>>() {
        let Some(role) = tf_role(ctx, res) else { continue };
        let others = ctx
            .all_resources("aws_lambda_function")
            .filter(|f| f.block.range != res.block.range || f.file != res.file)
            .filter(|f| tf_role(ctx, *f).as_deref() == Some(role.as_str()))
            .map(|f| format!("`{}`", f.address()))
            .collect::<Vec<_>>();
        if others.is_empty() {
            continue;
        }
        let range = res.block.attr("role").map_or(res.block.header, |a| a.range);
        let message = format!("`{}` shares its execution role with {}", res.address(), others.join(", "));
        ctx.report(res, range, message);
    }
}

fn cfn_role(ctx: &CfnContext, res: CfnResource) -> Option<String> {
    let (node, _) = ctx.prop(res, "Role")?;
    cfn_designation(ctx, node).filter(|r| !r.is_empty())
}

fn check_cfn(ctx: &mut CfnContext) {
    let types = ["AWS::Lambda::Function", "AWS::Serverless::Function"];
    for ty in types {
        for res in ctx.resources(ty).collect::<Vec<_>>() {
            let Some(role) = cfn_role(ctx, res) else { continue };
            let others = ctx
                .template
                .resources()
                .filter(|f| types.contains(&f.ty) && f.logical_id != res.logical_id)
                .filter(|f| cfn_role(ctx, *f).as_deref() == Some(role.as_str()))
                .map(|f| format!("`{}`", f.logical_id))
                .collect::<Vec<_>>();
            if others.is_empty() {
                continue;
            }
            let range = ctx.prop_range(res, "Role").unwrap_or_else(|| ctx.header(res));
            let message = format!("`{}` shares its execution role with {}", res.logical_id, others.join(", "));
            ctx.report(res, range, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RULE;
    use crate::kit::testing::{cfn_lines, lines};

    #[test]
    fn shared_roles() {
        let tf = r#"resource "aws_lambda_function" "a" {
  role = aws_iam_role.shared.arn
}
resource "aws_lambda_function" "b" {
  role = aws_iam_role.shared.arn
}
resource "aws_lambda_function" "c" {
  role = aws_iam_role.own.arn
}
resource "aws_lambda_function" "d" {
  role = var.role
}
resource "aws_lambda_function" "e" {
  role = var.role
}
"#;
        assert_eq!(lines(&RULE, tf), [2, 5]);
        let yaml = "Resources:\n  A:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/lambda-role\n  B:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/lambda-role\n  C:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: arn:aws:iam::123456789012:role/lambda-ex\n";
        assert_eq!(cfn_lines(&RULE, yaml), [5, 9]);
    }
}
