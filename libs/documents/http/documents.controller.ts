import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type {} from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { DocumentsConfig as Config } from '../documents-settings';
import { Requires, can, scope, type AccessRequest } from '@shinchoku/access';
import { Operation, Problem, uuid as sheetId, type Out } from '@shinchoku/http';
import { importReport } from './responses';
import { CONFIG } from '@shinchoku/runtime';
import { fiscalYearLabel } from '@shinchoku/municipality';
import { fiscalYearText as fiscalYear } from '@shinchoku/sheets';
import { DocumentExporter, type Exported } from '../application/exporter';
import { DocumentImporter, type ImportScope } from '../application/importer';
import { ForeignIdError, StaleWorkbookError } from '../application/import-errors';
import { WrongExpectedVersionError } from '@shinchoku/event-store';
import { indicatorsCsv } from '../csv/indicators-csv';
import { DocumentError } from '../drafts';
import { DocumentLimitError } from '../reading/limits';
import { writeWorkbook } from '../excel/write-workbook';

const department = z.string().trim().min(1).max(200);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const flag = z.enum(['true', 'false'], { error: "must be 'true' or 'false'" }).transform((value) => value === 'true');
const importQuery = z.object({ force: flag.optional(), dryRun: flag.optional() }).strict();

/** Existing sheets in: the published documents' text or a workbook in the 組織目標管理シート layout. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/imports')
export class ImportsController {
  constructor(
    private readonly importer: DocumentImporter,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Operation({
    summary: 'Import a document',
    description:
      'Reads existing sheets and ward plans from a published document’s text or a workbook in the 組織目標管理シート layout (multipart/form-data, field `file`) and records them as commands: all of the file or nothing. `dryRun=true` reports what would change (200); `force=true` overwrites cells others changed since the workbook was exported.',
    responses: [
      { status: 201, description: 'Imported.', json: importReport },
      { status: 200, description: 'A dry run: nothing was written.', json: importReport },
    ],
    problems: [403, 409, 413, 415, 422],
  })
  @Post()
  @HttpCode(201)
  @Requires('sheet.create', scope.list)
  @ApiConsumes('multipart/form-data')
  @ApiQuery({
    name: 'force',
    required: false,
    description: 'true: overwrite cells changed since the workbook was exported (recorded on the events)',
  })
  @ApiQuery({ name: 'dryRun', required: false, description: 'true: report what would be imported, conflicts included, and write nothing' })
  @ApiBody({ schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } })
  async import(
    @Req() request: AccessRequest,
    @Query({ schema: importQuery }) query: z.infer<typeof importQuery>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Out<typeof importReport>> {
    if (!request.isMultipart()) throw new Problem(415, 'UnsupportedMediaType', 'send the file as multipart/form-data, in the field "file"');
    const file = await this.receive(request);
    try {
      const report = await this.importer.import(
        file.name,
        file.content,
        request.principal!.actor,
        (scopes) => permitted(request, scopes),
        query,
      );
      // A dry run creates nothing.
      if (report.dryRun) void reply.status(200);
      return report;
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        throw new Problem(
          409,
          'ConcurrentChange',
          `${file.name}: a sheet of this file kept changing while it was imported; nothing of it was imported, try again`,
        );
      }
      if (!(error instanceof DocumentError)) throw error;
      throw documentProblem(file.name, error);
    }
  }

  /**
   * Streams the form in, holding no more than the limit: exactly one file, in the field "file".
   * A body that is not the multipart it says it is answers 400, never 500.
   */
  private async receive(request: FastifyRequest): Promise<{ name: string; content: Buffer }> {
    const tooLarge = () =>
      new Problem(413, 'FileTooLarge', `the file is larger than ${this.config.importMaxBytes} bytes (IMPORT_MAX_BYTES)`, [
        { path: 'body.file', message: `must be at most ${this.config.importMaxBytes} bytes` },
      ]);
    if (Number(request.headers['content-length']) > this.config.importMaxBytes + 64 * 1024) throw tooLarge();
    let file: { name: string; content: Buffer } | undefined;
    try {
      for await (const part of request.parts({ limits: { fileSize: this.config.importMaxBytes, files: 2, fields: 16 } })) {
        if (part.type !== 'file') continue;
        if (part.fieldname !== 'file' || file) {
          part.file.resume();
          throw new Problem(400, 'InvalidRequest', 'the form carries one file, in the field "file"', [
            { path: `body.${part.fieldname}`, message: part.fieldname === 'file' ? 'only one file per import' : 'unexpected file' },
          ]);
        }
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        if (part.file.truncated) throw tooLarge();
        file = { name: part.filename || 'upload', content: Buffer.concat(chunks) };
      }
    } catch (error) {
      if (error instanceof Problem) throw error;
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge();
      throw new Problem(400, 'MalformedMultipart', `the multipart body cannot be read: ${(error as Error).message}`, [
        { path: 'body', message: 'malformed multipart/form-data' },
      ]);
    }
    if (!file)
      throw new Problem(400, 'InvalidRequest', 'the form needs the file in the field "file"', [{ path: 'body.file', message: 'required' }]);
    return file;
  }
}

/** Refused files: over a cap on bytes 413, on structure 422, naming the cap's setting; not a document 415; unreadable 422. */
function documentProblem(name: string, error: DocumentError): Problem {
  if (error instanceof StaleWorkbookError) {
    return new Problem(409, error.code, `${name}: ${error.reason}`, [{ path: 'body.file', message: error.reason }], {
      conflicts: error.conflicts,
    });
  }
  const status =
    error instanceof DocumentLimitError
      ? error.bytes
        ? 413
        : 422
      : error instanceof ForeignIdError
        ? 403
        : error.code === 'UnsupportedDocument'
          ? 415
          : 422;
  return new Problem(status, error.code, `${name}: ${error.message}`, [{ path: 'body.file', message: error.message }], {
    line: error.at.line,
    ...(error.at.cell && { cell: error.at.cell }),
    ...(error instanceof DocumentLimitError && { setting: error.setting, limit: error.value }),
  });
}

/** An import creates sheets and ward plans: the caller must be able to create each one where it belongs. */
function permitted({ principal }: AccessRequest, scopes: ImportScope[]): void {
  for (const { kind, department, unit } of scopes) {
    const permission = kind === 'sheet' ? 'sheet.create' : 'wardPlan.write';
    if (can(principal!.grants, permission, { department, ...(unit !== undefined && { unit }) }) === 'allowed') continue;
    throw new Problem(
      403,
      'PermissionMissing',
      `this file writes to ${department}${unit ? ` ${unit}` : ''}, which needs the permission '${permission}' there`,
      undefined,
      {
        permission,
      },
    );
  }
}

/** A sheet out: as a workbook in the 組織目標管理シート layout, or its indicators as CSV. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/sheets')
export class SheetExportsController {
  constructor(
    private readonly exporter: DocumentExporter,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Operation({
    summary: 'Export a sheet as a workbook',
    description:
      'The sheet in the 組織目標管理シート layout, with the versions it was exported at so that an import can tell whose changes are newer.',
    responses: [
      { status: 200, description: 'The workbook, as an attachment.', other: { [XLSX]: 'binary' }, headers: ['Content-Disposition'] },
    ],
    problems: [404],
  })
  @Get(':sheetId/export.xlsx')
  @Requires('read', scope.sheet())
  async xlsx(@Param('sheetId', { schema: sheetId }) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const { sheets, versions } = await this.found(id);
    const sheet = sheets[0]!;
    attachment(reply, XLSX, `${fiscalYearLabel(sheet.fiscalYear)}_${sheet.department}_${sheet.unit}.xlsx`);
    return writeWorkbook(sheets, undefined, versions);
  }

  @Operation({
    summary: 'Export a sheet’s indicators as CSV',
    description: 'Every indicator of the sheet with its target, progress and result, as CSV that Excel opens correctly (UTF-8 with BOM).',
    responses: [
      { status: 200, description: 'The CSV, as an attachment.', other: { 'text/csv': 'text' }, headers: ['Content-Disposition'] },
    ],
    problems: [404],
  })
  @Get(':sheetId/export.csv')
  @Requires('read', scope.sheet())
  async csv(@Param('sheetId', { schema: sheetId }) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const sheet = (await this.found(id)).sheets[0]!;
    attachment(reply, 'text/csv; charset=utf-8', `${fiscalYearLabel(sheet.fiscalYear)}_${sheet.department}_${sheet.unit}.csv`);
    return indicatorsCsv([sheet], this.config.progressThresholds);
  }

  private async found(id: string): Promise<Exported> {
    const found = await this.exporter.sheet(id);
    if (!found) throw new Problem(404, 'SheetNotFound', `there is no sheet ${id}`);
    return found;
  }
}

/** A department × fiscal year out: one worksheet per unit plus the ward page, or every indicator as CSV. */
@ApiTags('documents')
@ApiBearerAuth()
@Controller('api/v1/summaries/wards')
export class WardExportsController {
  constructor(
    private readonly exporter: DocumentExporter,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Operation({
    summary: 'Export a ward’s year as a workbook',
    description: 'One worksheet per org unit plus the ward page (区 組織目標), in the 組織目標管理シート layout.',
    responses: [
      { status: 200, description: 'The workbook, as an attachment.', other: { [XLSX]: 'binary' }, headers: ['Content-Disposition'] },
    ],
    problems: [404],
  })
  @Get(':department/:fiscalYear/export.xlsx')
  @Requires('read', scope.department())
  async xlsx(
    @Param('department', { schema: department }) name: string,
    @Param('fiscalYear', { schema: fiscalYear }) year: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sheets, wardPlan, versions, name: ward } = await this.found(name, year);
    attachment(reply, XLSX, `${fiscalYearLabel(year)}_${ward}.xlsx`);
    return writeWorkbook(sheets, wardPlan, versions);
  }

  @Operation({
    summary: 'Export a ward’s indicators as CSV',
    description: 'Every indicator of the ward’s sheets for the year, as CSV that Excel opens correctly (UTF-8 with BOM).',
    responses: [
      { status: 200, description: 'The CSV, as an attachment.', other: { 'text/csv': 'text' }, headers: ['Content-Disposition'] },
    ],
    problems: [404],
  })
  @Get(':department/:fiscalYear/export.csv')
  @Requires('read', scope.department())
  async csv(
    @Param('department', { schema: department }) name: string,
    @Param('fiscalYear', { schema: fiscalYear }) year: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { sheets, name: ward } = await this.found(name, year);
    attachment(reply, 'text/csv; charset=utf-8', `${fiscalYearLabel(year)}_${ward}.csv`);
    return indicatorsCsv(sheets, this.config.progressThresholds);
  }

  private async found(name: string, year: number) {
    const found = await this.exporter.ward(name, year);
    if (found.sheets.length === 0 && !found.wardPlan)
      throw new Problem(404, 'NothingToExport', `there are no sheets of ${name} for ${fiscalYearLabel(year)}`);
    return found;
  }
}

/** Japanese file names survive in every browser as RFC 6266 filename*, with an ASCII fallback. */
function attachment(reply: FastifyReply, type: string, filename: string): void {
  void reply
    .header('content-type', type)
    .header(
      'content-disposition',
      `attachment; filename="export${filename.slice(filename.lastIndexOf('.'))}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    );
}
