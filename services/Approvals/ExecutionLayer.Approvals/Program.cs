using ExecutionLayer.Approvals;
using ExecutionLayer.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApprovalsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.MapDefaultEndpoints();
app.MapApprovalsApi();
app.Run();

public partial class Program;
