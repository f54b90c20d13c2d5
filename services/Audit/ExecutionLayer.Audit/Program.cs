using ExecutionLayer.Audit;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Input;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAuditService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.UseParameterInputPolicy();
app.MapDefaultEndpoints();
app.MapServiceApi().MapAuditApi();
app.Run();

public partial class Program;
