//! Which KMS key an expression designates, through the data sources that look keys up: a `kms_master_key_id =
//! data.aws_kms_key.by_alias.arn` whose data source reads `key_id = "alias/aws/sns"` is the AWS managed key.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::terraform::check::TfContext;
use crate::terraform::model::{Expr, ExprKind, Step};
use crate::value::Value;

/// The key an expression designates: its value, or for `data.aws_kms_key.<x>.*` the data source's `key_id` and
/// for `data.aws_kms_alias.<x>.*` its `name` (`Value::Unknown` when it cannot be told).
pub fn tf_key(ctx: &TfContext, expr: &Expr) -> Value {
    if let ExprKind::Traversal(root, steps) = &expr.kind {
        if root == "data" {
            if let [Step::Attr(ty), Step::Attr(name), ..] = steps.as_slice() {
                let attr = match ty.as_str() {
                    "aws_kms_key" => "key_id",
                    "aws_kms_alias" => "name",
                    _ => return ctx.eval(expr),
                };
                let found = ctx.at_address(&format!("data.{ty}.{name}"));
                return match found.as_slice() {
                    [data] => data.block.attr(attr).map_or(Value::Unknown, |a| ctx.eval(&a.expr)),
                    _ => Value::Unknown,
                };
            }
        }
    }
    ctx.eval(expr)
}

/// Whether a key names the AWS managed key of `service` (`alias/aws/sns`, or an ARN ending so).
pub fn is_aws_managed(key: &str, service: &str) -> bool {
    let alias = format!("alias/aws/{service}");
    let key = key.trim();
    key == alias || (key.starts_with("arn:") && key.ends_with(&format!(":{alias}")))
}

/// The template side of [`tf_key`]: the value of the node.
pub fn cfn_key(ctx: &CfnContext, node: &Node) -> Value {
    ctx.eval(node)
}
