import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../../access/actor';
import { CurrentActor } from '../../access/current-actor.decorator';
import { ADMINISTRATION, ADMINISTRATION_RULE } from '../../access/administration';
import { RequireScopes } from '../../access/require-scopes.decorator';
import { AddMemberDto, ChangeRoleDto, ListMembersQueryDto, MemberPageResponse, MemberResponse } from './dto/member.dto';
import { MembersService } from './members.service';

/** What a change of membership needs beyond ADMINISTRATION, as each such route's description states it. */
const CHANGE_RULE = `${ADMINISTRATION_RULE} Making, demoting or removing an owner also needs an owner's key holding every scope of the owner role. A key that expires cannot add members or raise a role (403 forbidden).`;

@ApiTags('workspaces')
@ApiBearerAuth()
@Controller('api/v1/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'List the members of this workspace (admins)',
    description: `Newest members first; pass next_cursor back as cursor for the next page. ${ADMINISTRATION_RULE}`,
  })
  @ApiOkResponse({ type: MemberPageResponse })
  list(@CurrentActor() actor: Actor, @Query() query: ListMembersQueryDto): Promise<MemberPageResponse> {
    return this.members.list(actor, query);
  }

  @Post()
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'Add an existing user to this workspace (admins; only owners grant owner)',
    description: CHANGE_RULE,
  })
  @ApiCreatedResponse({ type: MemberResponse })
  add(@CurrentActor() actor: Actor, @Body() body: AddMemberDto) {
    return this.members.add(actor, body.email, body.role);
  }

  @Patch(':userId')
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'Change a member’s role (admins; owners are changed only by owners; never the last owner)',
    description: CHANGE_RULE,
  })
  @ApiOkResponse({ type: MemberResponse })
  changeRole(
    @CurrentActor() actor: Actor,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Body() body: ChangeRoleDto,
  ) {
    return this.members.changeRole(actor, userId, body.role);
  }

  @Delete(':userId')
  @HttpCode(200)
  @RequireScopes(...ADMINISTRATION)
  @ApiOperation({
    summary: 'Remove a member (admins; owners are removed only by owners; never the last owner)',
    description: CHANGE_RULE,
  })
  @ApiOkResponse({ type: MemberResponse })
  remove(@CurrentActor() actor: Actor, @Param('userId', new ParseUUIDPipe()) userId: string) {
    return this.members.remove(actor, userId);
  }
}
