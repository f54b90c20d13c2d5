using ExecutionLayer.Exceptions;
using ExecutionLayer.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddExceptionsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.MapDefaultEndpoints();
app.MapExceptionsApi();
app.Run();

public partial class Program;
