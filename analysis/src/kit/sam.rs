//! AWS SAM: a `AWS::Serverless::Function` takes the properties it does not set from the template's
//! `Globals.Function`.

use crate::cloudformation::check::CfnContext;
use crate::cloudformation::tree::Node;
use crate::cloudformation::CfnResource;

pub const SAM_FUNCTION: &str = "AWS::Serverless::Function";

/// The value `Globals.Function.<prop>` gives a SAM function (`None` for other resources, or when not set).
pub fn global_function_property<'t>(ctx: &CfnContext<'_, 't>, res: CfnResource, prop: &str) -> Option<&'t Node> {
    if res.ty != SAM_FUNCTION {
        return None;
    }
    ctx.template.root.get("Globals")?.get("Function")?.get(prop)
}
