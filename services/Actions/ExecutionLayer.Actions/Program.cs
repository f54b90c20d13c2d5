using ExecutionLayer.Actions;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Input;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddActionsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.UseParameterInputPolicy();
app.MapDefaultEndpoints();
app.MapServiceApi().MapActionsApi();
app.Run();

public partial class Program;
