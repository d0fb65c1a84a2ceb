import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { Requires, Visible, can, scope, type AccessRequest, type Visibility } from '@shinchoku/access';
import { Operation, Problem, type Out } from '@shinchoku/http';
import { Contacts, WebhookUrlRefused } from '../application/contacts';
import * as s from './schemas';
import * as r from './responses';

/** Who is reminded for an org unit: 担当, 課長, and the department's coordinator. */
@ApiTags('reminders')
@ApiBearerAuth()
@Controller('api/v1/contacts')
export class ContactsController {
  constructor(private readonly contacts: Contacts) {}

  @Operation({
    summary: 'Add a contact',
    description:
      'Someone to remind for an org unit (担当, 課長) or, without a unit, for the department (coordinator): by email, webhook, or both.',
    responses: [{ status: 201, description: 'Added.', json: r.contact, headers: ['Location'] }],
    problems: [422],
    jsonBody: true,
  })
  @Post()
  @HttpCode(201)
  @Requires('contacts.manage', scope.body)
  async create(
    @Body({ schema: s.createContactBody }) body: z.infer<typeof s.createContactBody>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Out<typeof r.contact>> {
    const contact = await this.contacts.create(body).catch(refused);
    void reply.header('location', `/api/v1/contacts/${contact.contactId}`);
    return contact;
  }

  @Operation({
    summary: 'List contacts',
    description: 'Contacts the token may manage, by department and org unit.',
    responses: [{ status: 200, description: 'The contacts.', json: r.contactList }],
  })
  @Get()
  @Requires('contacts.manage', scope.list)
  async list(
    @Query({ schema: s.listContactsQuery }) query: z.infer<typeof s.listContactsQuery>,
    @Visible() visible: Visibility,
  ): Promise<Out<typeof r.contactList>> {
    return { items: await this.contacts.list(query, visible) };
  }

  @Operation({
    summary: 'Read a contact',
    description: 'One contact the token may manage.',
    responses: [{ status: 200, description: 'The contact.', json: r.contact }],
    problems: [404],
  })
  @Get(':contactId')
  @Requires('contacts.manage', scope.list)
  async get(@Param('contactId', { schema: s.idParam }) contactId: string, @Visible() visible: Visibility): Promise<Out<typeof r.contact>> {
    return (await this.contacts.get(contactId, visible)) ?? notFound(contactId);
  }

  @Operation({
    summary: 'Change a contact',
    description:
      'Changes any of a contact’s fields; moving it to another unit or department needs the permission there too. Name at least one field.',
    responses: [{ status: 200, description: 'Changed.', json: r.contact }],
    problems: [404, 422],
    jsonBody: true,
  })
  @Patch(':contactId')
  @Requires('contacts.manage', scope.list)
  async update(
    @Param('contactId', { schema: s.idParam }) contactId: string,
    @Body({ schema: s.updateContactBody }) body: z.infer<typeof s.updateContactBody>,
    @Visible() visible: Visibility,
    @Req() request: AccessRequest,
  ): Promise<Out<typeof r.contact>> {
    const current = (await this.contacts.get(contactId, visible)) ?? notFound(contactId);
    // Moving a contact to another unit or department needs the permission there too.
    const department = body.department ?? current.department;
    const unit = body.unit === undefined ? current.unit : body.unit;
    if (can(request.principal!.grants, 'contacts.manage', { department, ...(unit && { unit }) }) !== 'allowed') {
      throw new Problem(
        403,
        'PermissionMissing',
        `moving the contact to ${department}${unit ? ` ${unit}` : ''} needs the permission 'contacts.manage' there`,
        undefined,
        {
          permission: 'contacts.manage',
        },
      );
    }
    return (await this.contacts.update(contactId, body, visible).catch(refused)) ?? notFound(contactId);
  }

  @Operation({
    summary: 'Remove a contact',
    description: 'Removes the contact: reminders planned for it are replanned.',
    responses: [{ status: 204, description: 'Removed.' }],
    problems: [404],
  })
  @Delete(':contactId')
  @HttpCode(204)
  @Requires('contacts.manage', scope.list)
  async remove(@Param('contactId', { schema: s.idParam }) contactId: string, @Visible() visible: Visibility) {
    if (!(await this.contacts.remove(contactId, visible))) notFound(contactId);
  }
}

/** A well-formed URL the webhook rules do not allow: 422, naming the field and why. */
function refused(error: unknown): never {
  if (!(error instanceof WebhookUrlRefused)) throw error;
  throw new Problem(422, 'WebhookUrlRefused', error.message, [{ path: 'body.webhookUrl', message: error.reason }]);
}

function notFound(contactId: string): never {
  throw new Problem(404, 'ContactNotFound', `there is no contact ${contactId}`);
}
