using Microsoft.EntityFrameworkCore;

namespace Portal.Domain.Data;

public sealed class SqlServerPortalDbContext(DbContextOptions<SqlServerPortalDbContext> options) : PortalDbContext(options);
