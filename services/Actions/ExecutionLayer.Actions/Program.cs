using ExecutionLayer.Actions;
using ExecutionLayer.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddActionsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.MapDefaultEndpoints();
app.MapActionsApi();
app.Run();

public partial class Program;
