using Microsoft.Extensions.FileProviders;

namespace ExecutionLayer.Gateway.ExecutionConsole;

/// <summary>
/// The execution console (gateway/console, docs/adr/0009): static files the gateway's build puts in its output's <c>console/</c>,
/// served at <c>/console/</c>. The app calls <c>/api</c> with the person's token like any client, so nothing here is secret and
/// nothing needs a credential; the headers keep it from being framed, from running script from anywhere else, and from handing
/// the address (which may still carry a sign-in fragment for a moment) to another site.
/// </summary>
internal static class ConsoleFiles
{
    public const string Path = "/console";

    private const string Policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseConsole(this WebApplication app)
    {
        var root = System.IO.Path.Combine(AppContext.BaseDirectory, "console");
        if (!File.Exists(System.IO.Path.Combine(root, "index.html")))
        {
            // A gateway built without Node.js, or run from a test's output: the API works, the console says where it went.
            app.Logger.LogWarning("No console in {Root}: /console answers 404 (the gateway's build makes it with npm)", root);
            app.Map($"{Path}/{{**rest}}", () => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No console here",
                detail: "This gateway was built without its console (gateway/console, built by the gateway's build with npm)."));
            return app;
        }
        var files = new PhysicalFileProvider(root);
        // Not an endpoint: routing would match "/console/" to it as well, and the static files never serve a request an endpoint took.
        app.Use((context, next) =>
        {
            if (context.Request.Path.Value == Path) { context.Response.Redirect($"{Path}/"); return Task.CompletedTask; }
            return next(context);
        });
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files, RequestPath = Path });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = Path,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.ContentSecurityPolicy = Policy;
                headers["Referrer-Policy"] = "no-referrer";
                headers.XContentTypeOptions = "nosniff";
                // Vite names every asset by its content: cached for good; the page itself is asked for again each time.
                headers.CacheControl = context.File.Name == "index.html" ? "no-cache" : "public, max-age=31536000, immutable";
            },
        });
        return app;
    }
}
