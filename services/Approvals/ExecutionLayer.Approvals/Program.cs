using ExecutionLayer.Approvals;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Input;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApprovalsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.UseParameterInputPolicy();
app.MapDefaultEndpoints();
app.MapServiceApi().MapApprovalsApi();
app.Run();

public partial class Program;
