import { SheetCommands, SheetQueries } from '@shinchoku/sheets';
import type { Sheet } from '@shinchoku/sheets/domain/sheet.types';
import type { WardPlan } from '@shinchoku/sheets/domain/ward-plan';
import { wardOf } from '@shinchoku/sheets/domain/ward';

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

  /** Sheets naming the ward (西区) or its office (西区役所) as their department, in department and unit order. */
  async ward(department: string, fiscalYear: number): Promise<Exported> {
    const ward = wardOf(department);
    const sheets: Sheet[] = [];
    const versions = new Map<string, number>();
    for (let cursor: string | undefined; ; ) {
      const page = await this.queries.sheets({ fiscalYear }, PAGE, cursor);
      for (const { sheet, version } of page.items) {
        if (wardOf(sheet.department) !== ward) continue;
        sheets.push(sheet);
        versions.set(sheet.sheetId, version);
      }
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const wardPlan = (await this.queries.wardPlans({ fiscalYear })).find(({ plan }) => wardOf(plan.department) === ward)?.plan;
    return { sheets, versions, ...(wardPlan && { wardPlan }) };
  }
}
