import { SheetCommands, SheetQueries } from '@shinchoku/sheets';
import { departmentName } from '@shinchoku/municipality';
import type { Sheet, WardPlan } from '@shinchoku/sheets/domain';

const PAGE = 500;

/** What a workbook is made of: sheets, each with its version (so an import can tell what changed since), and a ward plan. */
export interface Exported {
  sheets: Sheet[];
  versions: Map<string, number>;
  wardPlan?: WardPlan;
}

/** What an export needs: one sheet, or a ward's (department's) sheets and ward plan for a year. */
export class DocumentExporter {
  constructor(
    private readonly sheets: SheetCommands,
    private readonly queries: SheetQueries,
  ) {}

  async sheet(sheetId: string): Promise<Exported | undefined> {
    const { state, version } = await this.sheets.load(sheetId);
    return state && { sheets: [state], versions: new Map([[sheetId, version]]) };
  }

  /** The department's sheets (by any spelling of its name: 西区 or 西区役所), in unit order, with its one name. */
  async ward(department: string, fiscalYear: number): Promise<Exported & { name: string }> {
    const sheets: Sheet[] = [];
    const versions = new Map<string, number>();
    for (let cursor: string | undefined; ;) {
      const page = await this.queries.sheets({ fiscalYear, department }, PAGE, cursor);
      for (const { sheet, version } of page.items) {
        sheets.push(sheet);
        versions.set(sheet.sheetId, version);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const wardPlan = (await this.queries.wardPlans({ fiscalYear, department }))[0]?.plan;
    return { name: departmentName(department), sheets, versions, ...(wardPlan && { wardPlan }) };
  }
}
