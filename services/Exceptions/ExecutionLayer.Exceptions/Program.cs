using ExecutionLayer.Exceptions;
using ExecutionLayer.ServiceDefaults;
using ExecutionLayer.ServiceDefaults.Input;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddExceptionsService();

var app = builder.Build();
app.UseServiceDefaults();
app.RequireGatewaySignature();
app.UseParameterInputPolicy();
app.MapDefaultEndpoints();
app.MapServiceApi().MapExceptionsApi();
app.Run();

public partial class Program;
