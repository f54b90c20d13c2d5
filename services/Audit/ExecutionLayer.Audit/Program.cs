using ExecutionLayer.Audit;
using ExecutionLayer.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddAuditService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.MapDefaultEndpoints();
app.MapAuditApi();
app.Run();

public partial class Program;
