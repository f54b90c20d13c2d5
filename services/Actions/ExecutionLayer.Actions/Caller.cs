namespace ExecutionLayer.Actions;

/// <summary>Every write names who made it: the record of an action is worth nothing without its people.</summary>
internal static class Caller
{
    public static IResult Unknown() => Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Who is asking?",
        detail: "Send the X-Actor header naming the person or system making this change (the gateway sets it for authenticated callers).");
}
